import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { conceptText, type DocumentReference } from "../../api/fhir-clinical-types.js";
import { downloadBinary } from "../../api/uploads-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { binaryIdOf } from "./binary-reference.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { useFhirDateTime } from "./format.js";
import type { ChartSection } from "./use-chart-section.js";

/** Documents with a viewer for the sanitised file (images and PDFs inline, anything else as a download from memory). */
export function DocumentList({ section }: { section: ChartSection<DocumentReference> }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const [open, setOpen] = useState<{ binaryId: string; title: string } | undefined>(undefined);
  const documents = [...(section.items ?? [])].sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""));
  return (
    <ChartSectionCard id="documents" heading={t("chart.documents")} error={section.error} isLoading={section.items === undefined} isEmpty={documents.length === 0}>
      <DataTable testId="document-table" columns={[t("chart.when"), t("chart.documentTitle"), t("chart.documentType"), ""]}>
        {documents.map((document) => {
          const attachment = document.content[0]?.attachment;
          const binaryId = binaryIdOf(attachment?.url);
          const title = attachment?.title ?? document.description ?? conceptText(document.type) ?? t("chart.document");
          return (
            <tr key={document.id} data-testid="document-row">
              <td className="nowrap">{formatDate(document.date)}</td>
              <td>{title}</td>
              <td>{conceptText(document.type) ?? attachment?.contentType}</td>
              <td>
                {binaryId ? (
                  <button type="button" className="secondary" data-testid="document-open" onClick={() => setOpen({ binaryId, title })}>
                    {t("chart.openDocument")}
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </DataTable>
      {open ? <BinaryViewer key={open.binaryId} binaryId={open.binaryId} title={open.title} onClose={() => setOpen(undefined)} /> : null}
    </ChartSectionCard>
  );
}

/**
 * Shows one sanitised upload from memory: the bytes are fetched with the session (the download route sends them as
 * a sandboxed attachment), kept in a blob URL that is revoked when the viewer closes.
 */
export function BinaryViewer({ binaryId, title, onClose }: { binaryId: string; title: string; onClose(): void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<{ url: string; type: string } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let url: string | undefined;
    let isCurrent = true;
    downloadBinary(binaryId).then((blob) => {
      if (!isCurrent) return;
      url = URL.createObjectURL(blob);
      setFile({ url, type: blob.type });
    }, setError);
    return () => {
      isCurrent = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [binaryId]);
  return (
    <div className="binary-viewer" data-testid="binary-viewer">
      <h3>{title}</h3>
      <ErrorMessage error={error} />
      {!file && !error ? <p role="status">{t("app.loading")}</p> : null}
      {file?.type.startsWith("image/") ? <img src={file.url} alt={title} className="document-image" /> : null}
      {/*
        The browser's own PDF viewer in a frame (CSP frame-src blob: only). No sandbox attribute: Chromium refuses to
        show a PDF in a sandboxed frame. What is shown is the server's rebuild of the file without scripts, actions,
        forms or links, and the blob document inherits this page's CSP.
      */}
      {file?.type === "application/pdf" ? <iframe src={file.url} title={title} className="document-pdf" data-testid="pdf-viewer" /> : null}
      {file && !file.type.startsWith("image/") ? (
        <a className="button-link" href={file.url} download={`${binaryId}${file.type === "application/pdf" ? ".pdf" : ""}`} data-testid="binary-download">
          {t("chart.downloadDocument")}
        </a>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={onClose}>
          {t("chart.closeDocument")}
        </button>
      </div>
    </div>
  );
}
