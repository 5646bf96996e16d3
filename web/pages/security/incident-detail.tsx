import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AffectedPatientsResponse, IncidentNoteRequest } from "../../../shared/api/index.js";
import { addIncidentNote, fetchIncident, findAffectedPatients, revokeSessions } from "../../api/incidents-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";
import { DeadlineList } from "./incident-deadlines.js";

const noteKinds = ["note", "action", "report"] as const;

/** One incident: deadlines and the ministry contact, the append-only timeline, impact, emergency revocation. */
export function IncidentDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const load = useCallback(() => fetchIncident(id), [id]);
  const { value: incident, error: loadError, reload } = useReloadable(load);

  const [noteKind, setNoteKind] = useState<IncidentNoteRequest["kind"]>("note");
  const [noteBody, setNoteBody] = useState("");
  const note = useSubmit(async () => {
    await addIncidentNote(id, { kind: noteKind, body: noteBody });
    setNoteBody("");
    await reload();
  });

  const [accountId, setAccountId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [affected, setAffected] = useState<AffectedPatientsResponse | undefined>(undefined);
  const impact = useSubmit(async () => {
    setAffected(await findAffectedPatients(id, { accountId: accountId.trim(), from: new Date(from).toISOString(), to: new Date(to).toISOString() }));
    await reload();
  });

  const [revokeAccountId, setRevokeAccountId] = useState("");
  const [revoked, setRevoked] = useState<number | undefined>(undefined);
  const revoke = useSubmit(async () => {
    const target = revokeAccountId.trim();
    if (!window.confirm(target ? t("incidents.revokeConfirmOne") : t("incidents.revokeConfirmAll"))) return;
    setRevoked((await revokeSessions(id, target ? { accountId: target } : {})).revoked);
    await reload();
  });

  if (!incident) return <ErrorMessage error={loadError} />;
  return (
    <section className="card" aria-labelledby="incident-detail-heading" data-testid="incident-detail">
      <h2 id="incident-detail-heading">{incident.title}</h2>
      <p>
        {t(`incidentKind.${incident.kind}`)} / {t(`incidentSeverity.${incident.severity}`)} / {t("incidents.detectedAt")}: {new Date(incident.detectedAt).toLocaleString(i18n.language)}
      </p>
      <h3>{t("incidents.deadlines")}</h3>
      <DeadlineList deadlines={incident.deadlines} />
      <p className="hint">
        {t("incidents.mhlw")}: {incident.mhlwContact.name} (<a href={incident.mhlwContact.url} rel="noreferrer" target="_blank">{incident.mhlwContact.url}</a>)
      </p>

      <h3>{t("incidents.timeline")}</h3>
      <ol className="plain-list" data-testid="incident-timeline">
        {incident.timeline.map((entry) => (
          <li key={entry.id}>
            <time dateTime={entry.at}>{new Date(entry.at).toLocaleString(i18n.language)}</time> [{t(`incidentNoteKind.${entry.kind}`)}] {entry.body}
          </li>
        ))}
      </ol>
      <form onSubmit={note.onSubmit}>
        <div className="row">
          <SelectField id="incident-note-kind" label={t("incidents.noteKind")} value={noteKind} options={noteKinds.map((value) => ({ value, label: t(`incidentNoteKind.${value}`) }))} onValueChange={setNoteKind} />
          <TextField id="incident-note-body" label={t("incidents.noteBody")} required maxLength={4000} autoComplete="off" value={noteBody} onValueChange={setNoteBody} hint={t("incidents.noPatientData")} />
        </div>
        <ErrorMessage error={note.error} />
        <button type="submit" data-testid="incident-note-submit" disabled={note.isBusy}>
          {t("incidents.addNote")}
        </button>
      </form>

      <h3>{t("incidents.affectedHeading")}</h3>
      <form onSubmit={impact.onSubmit}>
        <div className="row">
          <TextField id="incident-affected-account" label={t("incidents.accountId")} required autoComplete="off" value={accountId} onValueChange={setAccountId} />
          <TextField id="incident-affected-from" label={t("incidents.from")} type="datetime-local" required value={from} onValueChange={setFrom} />
          <TextField id="incident-affected-to" label={t("incidents.to")} type="datetime-local" required value={to} onValueChange={setTo} />
        </div>
        <ErrorMessage error={impact.error} />
        <button type="submit" data-testid="incident-affected-submit" disabled={impact.isBusy}>
          {t("incidents.findAffected")}
        </button>
      </form>
      {affected ? (
        <div role="status" data-testid="incident-affected-result">
          <p>{t("incidents.affectedCount", { count: affected.count })}</p>
          {affected.patientIds.length > 0 ? (
            <ul className="plain-list identifier">
              {affected.patientIds.map((patientId) => (
                <li key={patientId}>{patientId}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <h3>{t("incidents.revokeHeading")}</h3>
      <form onSubmit={revoke.onSubmit}>
        <TextField id="incident-revoke-account" label={t("incidents.accountId")} autoComplete="off" value={revokeAccountId} onValueChange={setRevokeAccountId} hint={t("incidents.revokeHint")} />
        <ErrorMessage error={revoke.error} />
        {revoked !== undefined ? (
          <p className="notice" role="status" data-testid="incident-revoked">
            {t("incidents.revoked", { count: revoked })}
          </p>
        ) : null}
        <button type="submit" data-testid="incident-revoke-submit" disabled={revoke.isBusy}>
          {t("incidents.revoke")}
        </button>
      </form>
    </section>
  );
}
