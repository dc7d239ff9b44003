import { useCallback, useState, type ReactNode } from "react";
import { useClient, useMutation } from "urql";
import type { ExportJobQuery } from "../gql/graphql";
import { CUSTOMERS_EXPORT, EXPORT_JOB } from "../operations";
import { usePolling } from "../polling";

type Job = NonNullable<ExportJobQuery["exportJob"]>;

/** Exportieren: starts the export job, follows it, then offers the file. */
export function ExportPanel(): ReactNode {
  const client = useClient();
  const [start, startExport] = useMutation(CUSTOMERS_EXPORT);
  const [jobId, setJobId] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [problem, setProblem] = useState("");

  const running = jobId !== null && (job === null || job.status === "PENDING" || job.status === "RUNNING");
  const poll = useCallback(() => {
    if (!jobId) return;
    void client
      .query(EXPORT_JOB, { id: jobId }, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => setJob(result.data?.exportJob ?? null));
  }, [client, jobId]);
  usePolling(running, poll);

  const begin = async (): Promise<void> => {
    setProblem("");
    setJob(null);
    const result = await startExport({ input: { format: "XLSX" } });
    const payload = result.data?.customersExport;
    if (!payload?.exportJob) {
      setProblem(payload?.userErrors[0]?.message ?? "Der Export konnte nicht gestartet werden.");
      return;
    }
    setJobId(payload.exportJob.id);
  };

  return (
    <section aria-labelledby="export-title" className="job-panel">
      <h2 id="export-title" className="visually-hidden">Export</h2>
      <button type="button" onClick={begin} disabled={start.fetching || running}>
        Exportieren
      </button>
      {running && (
        <p role="status">
          <progress aria-label="Fortschritt des Exports" /> Export läuft …
        </p>
      )}
      {job?.status === "COMPLETED" && job.url && (
        <p role="status">
          Export fertig ({job.rowCount} Kunden):{" "}
          <a href={job.url} download>Herunterladen</a>
        </p>
      )}
      {job?.status === "FAILED" && (
        <p role="alert">Der Export ist fehlgeschlagen: {job.errorMessage}</p>
      )}
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
