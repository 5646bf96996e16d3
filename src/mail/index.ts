export { createMailer, type Mailer, type MailSettings, type OutgoingMail } from "./mailer.js";
