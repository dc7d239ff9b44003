import { useCallback, useState, type FormEvent, type ReactNode } from "react";
import { useClient, useMutation } from "urql";
import type { ImportJobQuery } from "../gql/graphql";
import { CUSTOMERS_IMPORT, IMPORT_JOB } from "../operations";
import { usePolling } from "../polling";

type Job = NonNullable<ImportJobQuery["importJob"]>;

/**
 * Importieren: a dry run first (every row checked, nothing written); only a file without
 * errors can then be imported. Both run as jobs on the server; the app follows them.
 */
export function ImportPanel(props: { onImported: () => void }): ReactNode {
  const client = useClient();
  const [, upload] = useMutation(CUSTOMERS_IMPORT);
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [problem, setProblem] = useState("");
  const { onImported } = props;

  const running = jobId !== null && (job === null || job.status === "PENDING" || job.status === "RUNNING");
  const poll = useCallback(() => {
    if (!jobId) return;
    void client
      .query(IMPORT_JOB, { id: jobId }, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        const next = result.data?.importJob ?? null;
        setJob(next);
        if (next?.status === "COMPLETED" && !next.dryRun) onImported();
      });
  }, [client, jobId, onImported]);
  usePolling(running, poll);

  const run = async (dryRun: boolean): Promise<void> => {
    if (!file) return;
    setProblem("");
    setJob(null);
    setJobId(null);
    const result = await upload({ input: { file, dryRun, background: true } });
    const payload = result.data?.customersImport;
    if (!payload?.importJob) {
      setProblem(payload?.userErrors[0]?.message ?? "Der Import konnte nicht gestartet werden.");
      return;
    }
    setJobId(payload.importJob.id);
  };

  const checkFile = (event: FormEvent): void => {
    event.preventDefault();
    void run(true);
  };

  const result = job?.status === "COMPLETED" ? job.result : null;
  return (
    <section aria-labelledby="import-title" className="job-panel">
      <h2 id="import-title">Importieren</h2>
      <form onSubmit={checkFile}>
        <div className="field">
          <label htmlFor="import-file">Datei (XLSX oder CSV)</label>
          <input id="import-file" type="file" accept=".xlsx,.csv"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setJob(null);
              setJobId(null);
            }} />
        </div>
        <button type="submit" disabled={!file || running}>Probelauf</button>
      </form>
      {running && (
        <p role="status">
          <progress
            aria-label="Fortschritt des Imports"
            max={job?.rowsTotal ?? undefined}
            value={job?.rowsTotal ? job.rowsProcessed : undefined}
          />{" "}
          {job?.dryRun === false ? "Import läuft" : "Probelauf läuft"}
          {job?.rowsTotal ? ` (${job.rowsProcessed} von ${job.rowsTotal} Zeilen)` : " …"}
        </p>
      )}
      {job?.status === "FAILED" && <p role="alert">Der Import ist fehlgeschlagen: {job.errorMessage}</p>}
      {result && result.errors.length > 0 && (
        <>
          <p role="alert">
            Die Datei hat {result.errors.length} Fehler; es wurde nichts importiert.
          </p>
          <table>
            <caption>Fehler in der Datei</caption>
            <thead>
              <tr>
                <th scope="col">Zeile</th>
                <th scope="col">Spalte</th>
                <th scope="col">Fehler</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error) => (
                <tr key={`${error.row}-${error.column ?? ""}-${error.code}`}>
                  <td>{error.row}</td>
                  <td>{error.column}</td>
                  <td>{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {result && result.errors.length === 0 && result.dryRun && (
        <p role="status">
          Probelauf ohne Fehler: {result.rowsTotal} Zeilen, {result.created} neu,{" "}
          {result.updated} geändert.{" "}
          <button type="button" onClick={() => void run(false)}>Importieren</button>
        </p>
      )}
      {result && result.errors.length === 0 && !result.dryRun && (
        <p role="status">
          Import abgeschlossen: {result.created} Kunden angelegt, {result.updated} geändert.
        </p>
      )}
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
