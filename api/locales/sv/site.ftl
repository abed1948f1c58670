## Stadens egen webbplats (SPEC §16): sidfotens sidor, /admin/site, integritetsmeddelandet
## vid registrering och inloggning, och återställningssidan utan e-post.

footer-privacy = Behandling av personuppgifter
footer-accessibility = Tillgänglighetsredogörelse
footer-contact = Kontakt

privacy-title = Behandling av personuppgifter
privacy-none = Innovationsteamet har inte publicerat något integritetsmeddelande än. Frågor om dina personuppgifter besvaras av teamet: se kontaktsidan.
privacy-version = Version { $version }, publicerad { $date }.
privacy-contact-link = Kontakta innovationsteamet

accessibility-title = Tillgänglighetsredogörelse
accessibility-updated = Senast uppdaterad { $date }.
accessibility-intro = { $site } drivs av stadens innovationsteam. Vi vill att så många som möjligt ska kunna använda tjänsten. Den här redogörelsen beskriver hur tjänsten uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, vilka kända tillgänglighetsproblem som finns och hur du kan rapportera brister till oss så att vi kan åtgärda dem.
accessibility-how-heading = Hur tillgänglig är tjänsten?
accessibility-how = Tjänsten är delvis förenlig med lagen: vi känner inte till något innehåll som bryter mot WCAG 2.1 nivå AA, men tjänsten har ännu inte granskats manuellt i sin helhet och kan därför inte kallas helt förenlig.
accessibility-tested-heading = Hur vi testat tjänsten
accessibility-tested = Bedömningen är vår egen (självskattning). Varje sida kontrolleras i en riktig webbläsare (Chromium) med axe-core mot reglerna för WCAG 2.1 A och AA: varje sida visar 0 brister, på svenska och på engelska. Varje sida kontrolleras också i 320 CSS-pixlars bredd: den bryts om till en spalt utan sidledes rullning (WCAG 1.4.10). Sidorna fungerar utan JavaScript, varje fält har en etikett och varje fel är kopplat till sitt fält.
accessibility-not-heading = Innehåll som inte är tillgängligt
accessibility-not = Automatiska tester hittar bara en del av bristerna. De kan inte bedöma om texter som användarna skriver (utmaningar, idéer, kommentarer) är lätta att förstå, och dokument som laddas upp (till exempel PDF-filer) är kanske inte tillgängliga.
accessibility-report-heading = Rapportera brister i tjänstens tillgänglighet
accessibility-report = Om du inte kan använda någon del av tjänsten, eller behöver innehållet i en annan form, säg till så hjälper vi dig och åtgärdar bristen.
accessibility-report-link = Kontakta innovationsteamet
accessibility-authority-heading = Tillsyn
accessibility-authority = Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du kontakta DIGG och påtala det.
accessibility-authority-link = Anmäl till DIGG (digg.se)

contact-title = Kontakt
contact-intro = Frågor om { $site }, ditt konto eller dina personuppgifter besvaras av stadens innovationsteam.
contact-email = E-post: { $email }
contact-none = Innovationsteamet har inte angett någon kontaktadress här än.

admin-site-title = Webbplatsens inställningar
admin-site-look = Namn, färg och kontakt
admin-site-look-saved = Inställningarna är sparade.
field-site-name = Webbplatsens namn
site-name-hint = Visas i sidhuvudet och sidornas titlar i stället för "sluss". Lämna tomt för "sluss".
field-primary-colour = Huvudfärg
primary-colour-hint = För sidhuvudet och knapparna, skriven #rrggbb (till exempel #1d70b8). Vit text på färgen måste ha en kontrast på minst 4,5:1 (WCAG AA). Lämna tomt för standardfärgen.
site-contact-email-hint = Visas på kontaktsidan och där e-post inte är inställd.
button-save-site = Spara inställningarna
admin-site-privacy = Integritetsmeddelande
admin-site-privacy-current = Version { $version } gäller, publicerad { $date }. En ny version sparar de gamla och ber alla godkänna den nya vid nästa inloggning.
admin-site-privacy-none = Inget integritetsmeddelande är publicerat. När ett är det ber registreringen om godkännande av det.
admin-site-privacy-published = Version { $version } av integritetsmeddelandet är publicerad.
field-privacy-sv = Integritetsmeddelandet på svenska
field-privacy-en = Integritetsmeddelandet på engelska
page-text-hint = En tom rad börjar ett nytt stycke; en rad som börjar med "## " är en rubrik.
button-publish-privacy = Publicera en ny version
admin-site-accessibility = Tillgänglighetsredogörelse
admin-site-accessibility-default = Standardredogörelsen visas tills ni skriver en egen; fälten börjar med den.
admin-site-accessibility-saved = Tillgänglighetsredogörelsen är sparad.
field-accessibility-sv = Tillgänglighetsredogörelsen på svenska
field-accessibility-en = Tillgänglighetsredogörelsen på engelska
button-save-accessibility = Spara redogörelsen

field-accept-privacy-notice = Jag har läst integritetsmeddelandet
accept-privacy-hint = Läs integritetsmeddelandet
consent-title = Ett nytt integritetsmeddelande
consent-intro = Innovationsteamet har publicerat en ny version av sitt integritetsmeddelande. Läs det och godkänn det för att gå vidare.
button-accept-privacy = Godkänn och fortsätt

forgot-no-mail-title = E-post är inte inställd
forgot-no-mail = Tjänsten skickar ingen e-post och kan därför inte skicka dig en länk för att välja ett nytt lösenord.
forgot-no-mail-contact = Kontakta innovationsteamet, som kan sätta ett nytt lösenord åt dig:
forgot-no-mail-no-contact = Kontakta innovationsteamet som driver tjänsten: de kan sätta ett nytt lösenord åt dig.
admin-site-logo = Logotyp
admin-site-logo-none = Det finns ingen logotyp: sidhuvudet visar bara webbplatsens namn.
admin-site-logo-saved = Logotypen är sparad.
admin-site-logo-removed = Logotypen är borttagen.
field-logo = Ny logotyp
logo-hint = En PNG- eller WebP-bild på högst { $n } KiB. Den visas bredvid webbplatsens namn i sidhuvudet på varje sida, ungefär 2 rem hög.
logo-alt = Logotypen för { $site }
button-upload-logo = Ladda upp logotyp
button-remove-logo = Ta bort logotyp
