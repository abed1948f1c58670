# Inloggning via stadens identitetstjänst (SPEC §16, ADR 0036).
oidc-log-in-with = Logga in med { $name }
oidc-or-password = Eller logga in med e-post och lösenord
oidc-failed-title = Inloggningen gick inte
oidc-failed-nothing-waiting = Den här inloggningen har gått ut eller redan använts. Börja om från inloggningssidan.
oidc-failed-wrong-state = Svaret från identitetstjänsten hörde inte till inloggningen som den här webbläsaren började. Inget har ändrats. Börja om från inloggningssidan.
oidc-failed-provider-said-no = Identitetstjänsten loggade inte in dig. Inget har ändrats.
oidc-failed-not-accepted = Svaret från identitetstjänsten kunde inte godtas. Inget har ändrats. Börja om från inloggningssidan.
oidc-failed-unavailable = Identitetstjänsten går inte att nå just nu. Försök igen om några minuter.
oidc-failed-deactivated = Ditt konto är avstängt, så du kan inte logga in.
oidc-failed-unverified-address = Ett konto här har redan e-postadressen som din identitetstjänst angav, men tjänsten har inte bekräftat att adressen är din, så den kan inte kopplas till din inloggning.
oidc-failed-no-address = Din identitetstjänst delade ingen e-postadress, och ett nytt konto här behöver en.
oidc-failed-contact = Kontakta innovationsteamet för hjälp:
oidc-failed-contact-team = Kontakta innovationsteamet för hjälp.
oidc-failed-again = Gå till inloggningssidan
