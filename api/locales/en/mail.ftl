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
