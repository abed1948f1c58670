# Avslag: ett meddelande för varje skäl som reglerna anger (api/src/web/refusals.rs).

## Värden
error-years = Ange ett datum mellan år { $min } och { $max }
error-too-small = Skriv ett tal som är minst { $n }
error-out-of-range = Skriv ett tal från { $min } till { $max }
error-no-default-rubric = Det finns ingen standardmall; välj en bedömningsmall
error-erase-own-account = Du kan inte radera ditt eget konto; någon annan i innovationsteamet måste göra det
error-withdrawal-reason = Ange ett skäl: utmaningen är publicerad och andra följer den
error-step = Välj ett steg från 1 till 5
error-not-a-criterion = Det här är inget kriterium i bedömningsmallen
error-url-absolute = Skriv en hel adress, till exempel https://exempel.se/hooks
error-url-host = Adressen måste ange en värd
error-url-credentials = Adressen får inte innehålla användarnamn eller lösenord
error-url-fragment = Adressen får inte sluta med ett #fragment
error-url-unresolved = Värden { $host } går inte att hitta
error-url-address = Webhooks får inte skickas till { $address }: det är en lokal, privat eller reserverad adress
error-too-many-entries = Välj högst { $n }
error-unknown-events = Händelsen finns inte: { $names }
error-idempotency-key-reused = Förfrågans nyckel har redan använts för en annan förfrågan; skicka en ny

## Behörighet
error-only-innovators-write-ideas = Bara innovatörer skriver idéer.
error-only-the-innovator = Bara idéns innovatör får göra detta.
error-only-facilitators-run-steps = Bara innovationsteamet tar det här steget.
error-only-facilitators-run-arenas = Bara innovationsteamet sköter arenor.
error-only-facilitators-manage-users = Bara innovationsteamet hanterar användare.
error-only-needs-owners-write-challenges = Bara behovsägare och innovationsteamet skriver utmaningar.
error-sign-in-first = Logga in först.
error-only-the-owner = Bara utmaningens ägare eller innovationsteamet får göra detta.
error-only-the-owner-submits = Bara utmaningens ägare skickar in den.
error-only-facilitators-review-challenges = Bara innovationsteamet granskar, publicerar och arkiverar utmaningar.
error-only-facilitators-record = Bara innovationsteamet för in detta.
error-only-the-team-keeps-milestones = Bara idéns innovatör och innovationsteamet sköter idéns delmål.
error-only-facilitators-manage-organisations = Bara innovationsteamet registrerar och ändrar organisationer.
error-only-facilitators-erase = Bara innovationsteamet raderar personuppgifter.
error-only-facilitators-set-up-assessment = Bara innovationsteamet förbereder bedömningen.
error-only-the-assessor-declares = Bara den tilldelade bedömaren anmäler jäv.
error-scorecards-for-the-panel = Bedömningarna är till för panelen och innovationsteamet.
error-only-facilitators-manage-webhooks = Bara innovationsteamet hanterar webhooks.
error-assignments-for-assessors = Bedömningsuppdragen är till för bedömare och innovationsteamet.
error-only-assigned-assessors-score = Bara bedömare som är tilldelade idén poängsätter den.
error-own-scorecard-first = Skicka in din egen bedömning för att se panelens.
error-only-the-owner-answers = Bara utmaningens ägare eller innovationsteamet svarar på frågor.

## Det nuvarande läget
error-own-facilitator-role = Du kan inte ta bort din egen roll i innovationsteamet.
error-deactivating-oneself = Du kan inte avaktivera ditt eget konto.
error-already-deactivated = Användaren är redan avaktiverad.
error-user-active = Användaren är aktiv.
error-milestones-in-incubation = Delmål sköts medan idén är i inkubation.
error-spread-after-a-test = Spridningsaktiviteter förs in när idén har testats.
error-already-erased = Användarens personuppgifter är redan raderade.
error-last-facilitator = Den sista aktiva i innovationsteamet kan inte raderas.
error-changed-during-erasure = Något ändrades under raderingen. Försök igen.
error-rubric-in-use = Bedömningsmallen används och kan inte längre ändras.
error-already-assigned = Bedömaren är redan tilldelad idén.
error-assigning-outside-assessment = Bedömare tilldelas medan idén är inskickad eller under bedömning.
error-scoring-outside-assessment = Bedömningar tas emot medan idén är under bedömning.
error-conflict-declared = Jäv är anmält; det här uppdraget kan inte poängsätta.
error-assessment-locked = Idén är beslutad; bedömningen är låst.
error-questions-closed = Frågor tas emot medan utmaningen är öppen för idéer.
error-question-answered = Frågan är redan besvarad.
error-milestone-done = Delmålet är redan klart.
error-request-in-progress = Samma förfrågan behandlas fortfarande. Vänta en stund och ladda om sidan.
error-not-your-invitation = Inbjudan skickades till en annan e-postadress. Logga in med adressen den skickades till.
error-invitation-answered = Inbjudan är redan besvarad.
error-not-an-active-needs-owner = Välj ett aktivt konto med rollen behovsägare.
error-only-facilitators-transfer = Bara innovationsteamet överlåter en utmaning till en annan ägare.
error-file-type-not-allowed = Välj en PDF, en bild (PNG, JPEG, WebP), en text- eller CSV-fil eller ett OpenDocument- eller Office-dokument (odt, ods, odp, docx, xlsx, pptx).
error-empty-file = Filen är tom.
error-only-editors-change-files = Bara de som får redigera den lägger till eller tar bort dess filer.
error-too-many-files = Den har { $n } filer, så många den får ha. Ta bort en först.
error-file-too-large = Filen är större än { $n } MiB.
error-files-closed = Filer kan inte längre läggas till eller tas bort här: ärendet har gått vidare.
error-file-description-too-long = Beskrivningen får vara högst { $n } tecken.
error-file-failed = Filen kunde inte bifogas. Försök igen.
