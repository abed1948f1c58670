# E-mail from sluss (notifications and password reset).
mail-greeting = Hello { $name },
mail-open = Open in sluss: { $link }
mail-why = You receive this e-mail because you have an account in sluss. You can turn e-mail off at { $settings }
mail-reset-subject = Choose a new password in sluss
mail-reset-asked = Someone, hopefully you, asked to choose a new password for your account in sluss. Open the link below within an hour. It can be used once.
mail-reset-ignore = If it was not you, you can ignore this message. Your password does not change.

# Forgotten password (the web pages).
login-forgot = Forgotten your password?
forgot-title = Choose a new password
forgot-intro = Enter the e-mail address of your account. We will send a link where you choose a new password. The link is valid for one hour.
button-send-link = Send link
forgot-sent-title = Check your e-mail
forgot-sent = If an account has that address, we have sent a link to it.
forgot-sent-hint = The link is valid for one hour and can be used once. If no e-mail arrives, look in your spam folder or ask the innovation team for help.
reset-title = Choose your new password
button-set-password = Save the password
reset-done = Your new password is saved. You have been logged out everywhere; log in with the new password.
reset-link-invalid-title = The link does not work
reset-link-invalid = The link is unknown, already used or older than one hour. Ask for a new link.
reset-link-sent = A link to choose a new password has been sent.
error-reset-deactivated = The account is deactivated. Reactivate it before you send a link.
error-no-mail = sluss is not connected to a mail server, so no link can be sent.
email-notifications-hint-on = Each notification is also e-mailed to you, with a link to the page. Your notifications stay on your notifications page either way.

# Confirming the address at registration
mail-confirm-subject = Confirm your e-mail address for sluss
mail-confirm-asked = Someone, hopefully you, registered an account in sluss with this address. Open the link below within 24 hours and press "Confirm" to start using it.
mail-confirm-ignore = If it was not you, ignore this message: no account is opened without the link.
mail-taken-subject = Someone tried to register with your address in sluss
mail-taken-body = Someone tried to register a new account in sluss with this e-mail address, which already has an account. If it was you, log in instead, or choose a new password if you have forgotten it:
mail-taken-ignore = If it was not you, you need not do anything: your account is unchanged.
register-sent-title = Check your e-mail
register-sent = We have sent an e-mail to the address you gave. Open its link to confirm the address and start using your account.
register-sent-hint = The link is valid for 24 hours. If no e-mail arrives, look in your spam folder or ask the innovation team for help.
confirm-title = Confirm your e-mail address
confirm-intro = Press "Confirm" to confirm your address. Then log in with the password you chose.
button-confirm = Confirm
confirm-done = Your e-mail address is confirmed. Log in with the password you chose.
confirm-link-invalid-title = The link cannot be used
confirm-link-invalid = The link is unknown, already used or more than 24 hours old. Register again to get a new one.
mail-invitation-subject = You are invited to the team of “{ $title }”
mail-invitation-greeting = Hello,
mail-invitation-body = { $name } has added you to the team of the idea “{ $title }” in sluss, the city's innovation platform. Accept to see and work on the idea with them, or decline:
mail-invitation-account = You need an account with this e-mail address; the link lets you register one.
mail-invitation-ignore = If you do not know them, you need not do anything.

# Retention: the warning before an unused account is erased
mail-retention-subject = Your account in sluss will be erased unless you log in
mail-retention-body = You have not used your account in sluss for a long time. The city does not keep the personal data of accounts that are not used, so your account and what it holds about you will be erased on { $date } or soon after.
mail-retention-keep = To keep your account, log in before then:
mail-retention-ignore = If you no longer need the account, you need not do anything.
