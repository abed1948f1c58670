# E-post från sluss (notiser och återställning av lösenord).
mail-greeting = Hej { $name },
mail-open = Öppna i sluss: { $link }
mail-why = Du får det här e-postmeddelandet för att du har ett konto i sluss. Du kan stänga av e-post på { $settings }
mail-reset-subject = Välj ett nytt lösenord i sluss
mail-reset-asked = Någon, förhoppningsvis du, har bett om att få välja ett nytt lösenord till ditt konto i sluss. Öppna länken nedan inom en timme. Den kan bara användas en gång.
mail-reset-ignore = Om det inte var du kan du bortse från det här meddelandet. Ditt lösenord ändras inte.

# Glömt lösenord (webbsidorna).
login-forgot = Glömt lösenordet?
forgot-title = Välj ett nytt lösenord
forgot-intro = Skriv e-postadressen till ditt konto. Vi skickar en länk där du väljer ett nytt lösenord. Länken gäller i en timme.
button-send-link = Skicka länk
forgot-sent-title = Titta i din e-post
forgot-sent = Om ett konto har den adressen har vi skickat en länk till den.
forgot-sent-hint = Länken gäller i en timme och kan användas en gång. Kommer inget e-postmeddelande, titta i skräpposten eller be innovationsteamet om hjälp.
reset-title = Välj ditt nya lösenord
button-set-password = Spara lösenordet
reset-done = Ditt nya lösenord är sparat. Du har loggats ut överallt; logga in med det nya lösenordet.
reset-link-invalid-title = Länken fungerar inte
reset-link-invalid = Länken är okänd, redan använd eller äldre än en timme. Be om en ny länk.
reset-link-sent = En länk för att välja ett nytt lösenord har skickats.
error-reset-deactivated = Kontot är inaktiverat. Aktivera det igen innan du skickar en länk.
error-no-mail = sluss är inte kopplat till någon e-postserver, så ingen länk kan skickas.
email-notifications-hint-on = Varje notis skickas också till dig med e-post, med en länk till sidan. Dina notiser finns kvar på notissidan i vilket fall.

# Bekräfta adressen vid registrering
mail-confirm-subject = Bekräfta din e-postadress för sluss
mail-confirm-asked = Någon, förhoppningsvis du, har registrerat ett konto i sluss med den här adressen. Öppna länken nedan inom 24 timmar och tryck på "Bekräfta" för att börja använda det.
mail-confirm-ignore = Om det inte var du kan du bortse från meddelandet: inget konto öppnas utan länken.
mail-taken-subject = Någon försökte registrera sig med din adress i sluss
mail-taken-body = Någon försökte registrera ett nytt konto i sluss med den här e-postadressen, som redan har ett konto. Om det var du kan du logga in i stället, eller välja ett nytt lösenord om du har glömt det:
mail-taken-ignore = Om det inte var du behöver du inte göra något: ditt konto är oförändrat.
register-sent-title = Titta i din e-post
register-sent = Vi har skickat ett e-postmeddelande till adressen du angav. Öppna länken i det för att bekräfta adressen och börja använda ditt konto.
register-sent-hint = Länken gäller i 24 timmar. Kommer inget e-postmeddelande, titta i skräpposten eller be innovationsteamet om hjälp.
confirm-title = Bekräfta din e-postadress
confirm-intro = Tryck på "Bekräfta" för att bekräfta din adress. Logga sedan in med lösenordet du valde.
button-confirm = Bekräfta
confirm-done = Din e-postadress är bekräftad. Logga in med lösenordet du valde.
confirm-link-invalid-title = Länken kan inte användas
confirm-link-invalid = Länken är okänd, redan använd eller äldre än 24 timmar. Registrera dig igen för att få en ny.
mail-invitation-subject = Du är inbjuden till teamet bakom ”{ $title }”
mail-invitation-greeting = Hej!
mail-invitation-body = { $name } har lagt till dig i teamet bakom idén ”{ $title }” i sluss, stadens innovationsplattform. Tacka ja för att se och arbeta med idén tillsammans med dem, eller tacka nej:
mail-invitation-account = Du behöver ett konto med den här e-postadressen; länken låter dig registrera ett.
mail-invitation-ignore = Om du inte känner dem behöver du inte göra något.

# Gallring: varningen innan ett oanvänt konto raderas
mail-retention-subject = Ditt konto i sluss raderas om du inte loggar in
mail-retention-body = Du har inte använt ditt konto i sluss på länge. Staden sparar inte personuppgifter för konton som inte används, så ditt konto och det som står om dig i det raderas den { $date } eller strax därefter.
mail-retention-keep = Logga in före dess om du vill behålla kontot:
mail-retention-ignore = Om du inte längre behöver kontot behöver du inte göra något.
