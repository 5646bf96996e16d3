import { useState } from "react";
import { useTranslation } from "react-i18next";
import { createResource } from "../../api/fhir-api.js";
import { uploadBinary, uploadTypes } from "../../api/uploads-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { buildDocumentReference } from "./portal-resources.js";

/** Uploads a document (PDF or image); the server sanitises it, then a DocumentReference lists it in the chart. */
export function DocumentUpload({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | undefined>(undefined);
  const [title, setTitle] = useState("");
  const [done, setDone] = useState(false);
  const submit = useSubmit(async () => {
    setDone(false);
    if (!file) throw t("upload.chooseFile");
    const binary = await uploadBinary(patientId, file);
    await createResource(buildDocumentReference(patientId, binary, title.trim() || t("chart.document"), new Date()));
    setDone(true);
    setTitle("");
  });
  return (
    <section className="card" aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t("upload.heading")}</h2>
      <form onSubmit={submit.onSubmit}>
        <div className="field">
          <label htmlFor="upload-file">{t("upload.file")}</label>
          <input id="upload-file" data-testid="upload-file" type="file" accept={uploadTypes.join(",")} required onChange={(event) => setFile(event.target.files?.[0])} />
        </div>
        <TextField id="upload-title" label={t("upload.title")} maxLength={200} value={title} onValueChange={setTitle} />
        <button type="submit" data-testid="upload-submit" disabled={submit.isBusy}>
          {t("upload.submit")}
        </button>
      </form>
      <ErrorMessage error={submit.error} />
      {done ? <p role="status" className="notice">{t("upload.done")}</p> : null}
    </section>
  );
}
