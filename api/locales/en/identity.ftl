# Signing in through the city's identity provider (SPEC §16, ADR 0036).
oidc-log-in-with = Log in with { $name }
oidc-or-password = Or log in with your e-mail and password
oidc-failed-title = Signing in did not work
oidc-failed-nothing-waiting = This sign-in has expired or has already been used. Start again from the login page.
oidc-failed-wrong-state = The answer from the identity provider did not belong to the sign-in this browser started. Nothing was changed. Start again from the login page.
oidc-failed-provider-said-no = The identity provider did not sign you in. Nothing was changed.
oidc-failed-not-accepted = The identity provider's answer could not be accepted. Nothing was changed. Start again from the login page.
oidc-failed-unavailable = The identity provider cannot be reached right now. Try again in a few minutes.
oidc-failed-deactivated = Your account is deactivated, so you cannot sign in.
oidc-failed-unverified-address = An account here already has the e-mail address your identity provider gave, but the provider has not verified that the address is yours, so it cannot be linked to your sign-in.
oidc-failed-no-address = Your identity provider did not share an e-mail address, which a new account here needs.
oidc-failed-contact = Contact the innovation team for help:
oidc-failed-contact-team = Contact the innovation team for help.
oidc-failed-again = Go to the login page
