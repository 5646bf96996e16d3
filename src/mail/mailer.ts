import nodemailer from "nodemailer";
import { AppError } from "../kernel/index.js";
import { writePickupFile } from "./pickup-folder.js";

/** One message to one person: plain text only (no HTML to render, no remote content to fetch). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailSettings {
  /** SMTP server URL (smtp:// or smtps://); undefined: write to the pickup folder. */
  smtpUrl: string | undefined;
  from: string;
  pickupDir: string;
}

export interface Mailer {
  /** How messages leave, for the start-up log: never the SMTP credentials. */
  readonly route: { kind: "smtp"; host: string } | { kind: "pickup"; dir: string };
  /**
   * Hands one message to the SMTP server, or writes it to the pickup folder; resolves once it is accepted.
   * @throws {AppError} `mail.unavailable` when the server refuses it or the folder cannot be written.
   */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Outgoing e-mail: SMTP when MAMORI_SMTP_URL is set, otherwise RFC 5322 files in a pickup folder that a local mail
 * relay collects. Either way nodemailer composes the message, so both routes send the same bytes.
 */
export function createMailer(settings: MailSettings): Mailer {
  if (settings.smtpUrl) {
    const transport = nodemailer.createTransport(settings.smtpUrl);
    return {
      route: { kind: "smtp", host: new URL(settings.smtpUrl).host },
      async send(mail) {
        try {
          await transport.sendMail({ from: settings.from, ...mail });
        } catch {
          // The server's answer may echo the address; the caller learns only that delivery failed.
          throw new AppError("mail.unavailable");
        }
      },
      close: () => transport.close(),
    };
  }
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    route: { kind: "pickup", dir: settings.pickupDir },
    async send(mail) {
      try {
        const composed = await composer.sendMail({ from: settings.from, ...mail });
        await writePickupFile(settings.pickupDir, composed.message as Buffer);
      } catch {
        throw new AppError("mail.unavailable");
      }
    },
    close: () => composer.close(),
  };
}
