## Innovationsteamets register: användare, bedömningsmallar, stödorganisationer (SPEC §10.4).

## Stödorganisationer
admin-support-title = Stödorganisationer: registret
support-none = Inga stödorganisationer ännu.
support-registered = Registrerade stödorganisationer
new-support-title = Ny stödorganisation
field-contact-email = E-post för kontakt
contact-email-hint = Frivillig. Dit innovatörer kan skriva till organisationen.
support-kind-incubator = Inkubator
support-kind-science_park = Science park
support-kind-business_support = Företagsstöd
support-kind-other = Annat

## Bedömningsmallar
admin-rubrics-title = Bedömningsmallar: registret
rubrics-none = Inga bedömningsmallar ännu.
rubric-default = Standard
rubric-in-use = Används: kan inte längre ändras
rubric-min-scorecards-n = Bedömningar som behövs före beslut: { $n }
rubric-criteria-of = Kriterier i { $name }
new-rubric-title = Ny bedömningsmall
new-rubric-intro = Fyll i en rad per kriterium. Tomma rader hoppas över.
field-min-scorecards = Bedömningar som behövs före beslut
min-scorecards-hint = Minst 1. Lämnas fältet tomt blir det 2.
criterion-n = Kriterium { $n }
field-key = Nyckel
field-weight = Vikt
field-scale-min = Lägsta poäng
field-scale-max = Högsta poäng
scale-hint = Lämnas fälten tomma går poängen från 1 till 5.
criterion-scale = { $min } till { $max }
error-number = Skriv ett tal
error-rubric-key = Använd bara små bokstäver, siffror och _
error-rubric-key-twice = Ett annat kriterium har redan den här nyckeln
error-rubric-weight = Skriv en vikt större än 0
error-rubric-scale = Högsta poäng måste vara större än lägsta
field-scale-labels = Vad poängen betyder
scale-labels-hint = Frivilligt. En rad per poäng, till exempel ”1 = Svarar inte mot behovet”.
error-rubric-score-not-on-scale = ”{ $score }” är ingen poäng på skalan: börja varje rad med en poäng från lägsta till högsta
error-rubric-criteria = Fyll i minst 1 och högst { $n } kriterier

## Användare
admin-users-title = Användare: registret
users-none = Inga användare hittades.
users-caption = Användare
users-search-hint = En del av ett namn eller en e-postadress.
field-roles = Roller
user-active = Aktiv
user-deactivated = Avaktiverad
button-deactivate = Avaktivera
new-user-title = Ny användare
error-roles-one = Välj minst en roll
criterion-scale-title = Skala
change-rubric = Ändra
edit-rubric-title = Ändra bedömningsmallen { $name }

## Registren som korta listor med en sida per post (ADR 0029).
registry-saved = Ändringen är sparad.
roles-none = Inga roller
user-account-title = Kontot
users-back = Tillbaka till användarna
arena-public-page = Arenans publika sida
rubrics-caption = Bedömningsmallar
rubric-criteria-named = Kriterier: { $names }
