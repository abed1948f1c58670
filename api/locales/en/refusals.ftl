# Refusals: one message for each reason the rules give (api/src/web/refusals.rs).

## Values
error-years = Enter a date in the years { $min } to { $max }
error-too-small = Enter a number of at least { $n }
error-out-of-range = Enter a number from { $min } to { $max }
error-no-default-rubric = There is no default rubric; choose one
error-erase-own-account = You cannot erase your own account; another member of the innovation team must
error-withdrawal-reason = Give a reason: the challenge is published and people follow it
error-step = Choose a step from 1 to 5
error-not-a-criterion = This is not a criterion of the rubric
error-url-absolute = Enter a whole address such as https://example.org/hooks
error-url-host = The address must name a host
error-url-credentials = The address must not hold a user name or password
error-url-fragment = The address must not end with a #fragment
error-url-unresolved = The host { $host } cannot be found
error-url-address = Hooks may not be sent to { $address }: it is a local, private or reserved address
error-too-many-entries = Choose at most { $n }
error-unknown-events = No such event: { $names }
error-idempotency-key-reused = This request key was already used for another request; send a new one

## Permission
error-only-innovators-write-ideas = Only innovators write ideas.
error-only-the-innovator = Only the idea's innovator may do this.
error-only-facilitators-run-steps = Only the innovation team takes this step.
error-only-facilitators-run-arenas = Only the innovation team runs arenas.
error-only-facilitators-manage-users = Only the innovation team manages users.
error-only-needs-owners-write-challenges = Only needs-owners and the innovation team write challenges.
error-sign-in-first = Log in first.
error-only-the-owner = Only the challenge's owner or the innovation team may do this.
error-only-the-owner-submits = Only the challenge's owner submits it.
error-only-facilitators-review-challenges = Only the innovation team reviews, publishes and archives challenges.
error-only-facilitators-record = Only the innovation team records this.
error-only-the-team-keeps-milestones = Only the idea's innovator and the innovation team keep its milestones.
error-only-facilitators-manage-organisations = Only the innovation team registers and changes organisations.
error-only-facilitators-erase = Only the innovation team erases personal data.
error-only-facilitators-set-up-assessment = Only the innovation team sets up assessment.
error-only-the-assessor-declares = Only the assigned assessor declares a conflict of interest.
error-scorecards-for-the-panel = Scorecards are for the panel and the innovation team.
error-only-facilitators-manage-webhooks = Only the innovation team manages webhooks.
error-assignments-for-assessors = Assignments are for assessors and the innovation team.
error-only-assigned-assessors-score = Only assessors assigned to the idea score it.
error-own-scorecard-first = Submit your own scorecard to see the panel's.
error-only-the-owner-answers = Only the challenge's owner or the innovation team answers questions.

## The current state
error-own-facilitator-role = You cannot remove your own role in the innovation team.
error-deactivating-oneself = You cannot deactivate your own account.
error-already-deactivated = The user is already deactivated.
error-user-active = The user is active.
error-milestones-in-incubation = Milestones are kept while the idea is in incubation.
error-spread-after-a-test = Spread activities are recorded once the idea has been tested.
error-already-erased = The user's personal data is already erased.
error-last-facilitator = The last active member of the innovation team cannot be erased.
error-changed-during-erasure = Something changed during the erasure. Try again.
error-rubric-in-use = The rubric is in use and can no longer change.
error-already-assigned = The assessor is already assigned to this idea.
error-assigning-outside-assessment = Assessors are assigned while the idea is submitted or in assessment.
error-scoring-outside-assessment = Scorecards are taken while the idea is in assessment.
error-conflict-declared = A conflict of interest was declared; this assignment cannot score.
error-assessment-locked = The idea is decided; its assessment is locked.
error-questions-closed = Questions are taken while the challenge is open for ideas.
error-question-answered = The question is already answered.
error-milestone-done = The milestone is already done.
error-request-in-progress = The same request is still being handled. Wait a moment and reload the page.
error-not-your-invitation = This invitation was sent to another e-mail address. Sign in with the address it was sent to.
error-invitation-answered = This invitation has already been answered.
error-not-an-active-needs-owner = Choose an active account with the needs-owner role.
error-only-facilitators-transfer = Only the innovation team hands a challenge to another owner.
error-file-type-not-allowed = Choose a PDF, an image (PNG, JPEG, WebP), a text or CSV file, or an OpenDocument or Office document (odt, ods, odp, docx, xlsx, pptx).
error-empty-file = The file is empty.
error-only-editors-change-files = Only those who may edit it add or remove its files.
error-too-many-files = It holds { $n } files, the most it may. Remove one first.
error-file-too-large = The file is larger than { $n } MiB.
error-files-closed = Files can no longer be added or removed here: the record has moved on.
error-file-description-too-long = The description must be at most { $n } characters.
error-file-failed = The file could not be attached. Try again.
