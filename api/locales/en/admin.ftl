## The facilitators' registries: users, rubrics, support organisations (SPEC §10.4).

## Support organisations
admin-support-title = Support organisations: the registry
support-none = No support organisations yet.
support-registered = Registered support organisations
new-support-title = New support organisation
field-contact-email = Contact email
contact-email-hint = Optional. Where innovators can write to the organisation.
support-kind-incubator = Incubator
support-kind-science_park = Science park
support-kind-business_support = Business support
support-kind-other = Other

## Rubrics
admin-rubrics-title = Rubrics: the registry
rubrics-none = No rubrics yet.
rubric-default = Default
rubric-in-use = In use: can no longer change
rubric-min-scorecards-n = Scorecards needed before a decision: { $n }
rubric-criteria-of = Criteria of { $name }
new-rubric-title = New rubric
new-rubric-intro = Fill in one row per criterion. Rows left blank are ignored.
field-min-scorecards = Scorecards needed before a decision
min-scorecards-hint = At least 1. Left blank, 2.
criterion-n = Criterion { $n }
field-key = Key
field-weight = Weight
field-scale-min = Lowest score
field-scale-max = Highest score
scale-hint = Left blank, scores run from 1 to 5.
criterion-scale = { $min } to { $max }
error-number = Enter a number
error-rubric-key = Use only lower-case letters, digits and _
error-rubric-key-twice = Another criterion already has this key
error-rubric-weight = Enter a weight greater than 0
error-rubric-scale = The highest score must be greater than the lowest
field-scale-labels = What the scores mean
scale-labels-hint = Optional. One line per score, for example "1 = Does not answer the need".
error-rubric-score-not-on-scale = “{ $score }” is no score on the scale: start each line with a score from the lowest to the highest
error-rubric-criteria = Fill in at least 1 and at most { $n } criteria

## Users
admin-users-title = Users: the registry
users-none = No users found.
users-caption = Users
users-search-hint = Part of a name or an email address.
field-roles = Roles
user-active = Active
user-deactivated = Deactivated
button-deactivate = Deactivate
new-user-title = New user
error-roles-one = Choose at least one role
criterion-scale-title = Scale
change-rubric = Change
edit-rubric-title = Change the rubric { $name }

## Registries as compact lists with a page per entry (ADR 0029).
registry-saved = The change is saved.
roles-none = No roles
user-account-title = The account
users-back = Back to the users
arena-public-page = The arena's public page
rubrics-caption = Rubrics
rubric-criteria-named = Criteria: { $names }
