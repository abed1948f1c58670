## The city's own site (SPEC §16): the footer's pages, /admin/site, the privacy notice
## asked at registration and sign-in, and the reset page without e-mail.

footer-privacy = Privacy notice
footer-accessibility = Accessibility statement
footer-contact = Contact

privacy-title = Privacy notice
privacy-none = The innovation team has not published a privacy notice yet. Questions about your personal data are answered by the team: see the contact page.
privacy-version = Version { $version }, published { $date }.
privacy-contact-link = Contact the innovation team

accessibility-title = Accessibility statement
accessibility-updated = Last updated { $date }.
accessibility-intro = { $site } is run by the city's innovation team. We want as many people as possible to be able to use it. This statement describes how the service meets the Swedish Act on accessibility of digital public services (lag (2018:1937) om tillgänglighet till digital offentlig service), the accessibility problems we know of, and how to report a problem to us so that we can put it right.
accessibility-how-heading = How accessible is the service?
accessibility-how = The service is partially compliant with the Act: we know of no content that fails WCAG 2.1 level AA, but it has not yet had a full manual review, so it cannot be called fully compliant.
accessibility-tested-heading = How we tested the service
accessibility-tested = This is our own assessment (self-assessment). Every page is checked in a real browser (Chromium) with axe-core for the WCAG 2.1 A and AA rules: every page shows 0 violations, in Swedish and in English. Every page is also checked at 320 CSS pixels wide: it reflows to one column without scrolling sideways (WCAG 1.4.10). The pages work without JavaScript, every field has a label and every error is tied to its field.
accessibility-not-heading = What is not accessible
accessibility-not = Automatic tests find only part of the problems. They cannot judge whether texts written by the people who use the service (challenges, ideas, comments) are easy to understand, and documents that people upload (such as PDF files) may not be accessible.
accessibility-report-heading = Report a problem with accessibility
accessibility-report = If you cannot use part of the service, or need its content in another form, tell us and we will help you and put the problem right.
accessibility-report-link = Contact the innovation team
accessibility-authority-heading = Supervisory authority
accessibility-authority = The Agency for Digital Government, Myndigheten för digital förvaltning (DIGG), supervises the Act on accessibility of digital public services. If you are not satisfied with how we handle your comments, you can tell DIGG.
accessibility-authority-link = Report to DIGG (digg.se)

contact-title = Contact
contact-intro = Questions about { $site }, your account or your personal data are answered by the city's innovation team.
contact-email = E-mail: { $email }
contact-none = The innovation team has not given a contact address here yet.

admin-site-title = Site settings
admin-site-look = Name, colour and contact
admin-site-look-saved = The settings are saved.
field-site-name = Site name
site-name-hint = Shown in the header and the page titles in place of "sluss". Leave it empty for "sluss".
field-primary-colour = Primary colour
primary-colour-hint = For the header and the buttons, written #rrggbb (such as #1d70b8). White text on it must keep a contrast of at least 4.5:1 (WCAG AA). Leave it empty for the default.
site-contact-email-hint = Shown on the contact page, and where e-mail is not set up.
button-save-site = Save the settings
admin-site-privacy = Privacy notice
admin-site-privacy-current = Version { $version } is in force, published { $date }. Publishing a new version keeps the old ones and asks everyone to accept the new one at their next sign-in.
admin-site-privacy-none = No privacy notice is published. Once one is, registration asks people to accept it.
admin-site-privacy-published = Version { $version } of the privacy notice is published.
field-privacy-sv = Privacy notice in Swedish
field-privacy-en = Privacy notice in English
page-text-hint = A blank line starts a new paragraph; a line that starts with "## " is a heading.
button-publish-privacy = Publish a new version
admin-site-accessibility = Accessibility statement
admin-site-accessibility-default = The default statement is shown until you write one; the fields start with it.
admin-site-accessibility-saved = The accessibility statement is saved.
field-accessibility-sv = Accessibility statement in Swedish
field-accessibility-en = Accessibility statement in English
button-save-accessibility = Save the statement

field-accept-privacy-notice = I have read the privacy notice
accept-privacy-hint = Read the privacy notice
consent-title = A new privacy notice
consent-intro = The innovation team has published a new version of its privacy notice. Read it, then accept it to go on.
button-accept-privacy = Accept and continue

forgot-no-mail-title = E-mail is not set up
forgot-no-mail = This service sends no e-mail, so it cannot send you a link to choose a new password.
forgot-no-mail-contact = Contact the innovation team, who can set a new password for you:
forgot-no-mail-no-contact = Contact the innovation team that runs this service: they can set a new password for you.
admin-site-logo = Logo
admin-site-logo-none = There is no logo: the header shows the site's name alone.
admin-site-logo-saved = The logo is saved.
admin-site-logo-removed = The logo is removed.
field-logo = New logo
logo-hint = A PNG or WebP picture of at most { $n } KiB. It is shown beside the site's name in every page's header, about 2 rem high.
logo-alt = The logo of { $site }
button-upload-logo = Upload logo
button-remove-logo = Remove logo
