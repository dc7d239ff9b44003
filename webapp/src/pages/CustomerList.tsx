import { useEffect, useState, type ReactNode } from "react";
import { useQuery } from "urql";
import type { CustomerStatusFilter } from "../gql/graphql";
import { CUSTOMERS } from "../operations";
import { Link } from "../router";
import { useWorkspace } from "../workspace";
import { ExportPanel } from "./ExportPanel";
import { ImportPanel } from "./ImportPanel";

export const PAGE_SIZE = 25;
// Wait for a pause in typing before asking the server.
const SEARCH_DELAY_MS = 250;

type Page = { first: number; after?: string } | { last: number; before?: string };

/** Kunden: the overview with search, status filter and paging. */
export function CustomerList(): ReactNode {
  const { canWriteCustomers } = useWorkspace();
  const [search, setSearch] = useState("");
  const [appliedSearch, setAppliedSearch] = useState("");
  const [status, setStatus] = useState<CustomerStatusFilter>("ACTIVE");
  const [page, setPage] = useState<Page>({ first: PAGE_SIZE });

  useEffect(() => {
    const next = search.trim();
    // Only a changed search starts again at the first page (not the first render).
    if (next === appliedSearch) return;
    const timer = window.setTimeout(() => {
      setAppliedSearch(next);
      setPage({ first: PAGE_SIZE });
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [search, appliedSearch]);

  const [{ data, fetching, error }, reload] = useQuery({
    query: CUSTOMERS,
    variables: { ...page, filter: { search: appliedSearch || null, status } },
    requestPolicy: "network-only",
  });
  const connection = data?.customers;

  return (
    <section aria-labelledby="customers-title">
      <div className="page-head">
        <h1 id="customers-title">Kunden</h1>
        {canWriteCustomers && <Link to="/kunden/neu" className="button">Neu</Link>}
      </div>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="customer-search">Suche</label>
          <input id="customer-search" type="search" value={search}
            onChange={(event) => setSearch(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="customer-status">Status</label>
          <select id="customer-status" value={status}
            onChange={(event) => {
              setStatus(event.target.value as CustomerStatusFilter);
              setPage({ first: PAGE_SIZE });
            }}>
            <option value="ACTIVE">Aktiv</option>
            <option value="ARCHIVED">Archiviert</option>
            <option value="ALL">Alle</option>
          </select>
        </div>
      </div>
      <div className="jobs">
        <ExportPanel />
        {canWriteCustomers && <ImportPanel onImported={() => reload()} />}
      </div>
      {error && <p role="alert">Die Kunden konnten nicht geladen werden.</p>}
      <table aria-labelledby="customers-title" aria-busy={fetching}>
        <thead>
          <tr>
            <th scope="col">Kundennummer</th>
            <th scope="col">Name</th>
            <th scope="col">E-Mail-Adresse</th>
            <th scope="col">Ort</th>
          </tr>
        </thead>
        <tbody>
          {connection?.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>{node.customerNumber}</td>
              <td>
                <Link to={`/kunden/${encodeURIComponent(node.id)}`}>{node.displayName}</Link>
                {node.status === "ARCHIVED" && <span className="badge"> Archiviert</span>}
              </td>
              <td>{node.email}</td>
              <td>{node.defaultAddress.city}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {connection && connection.edges.length === 0 && <p>Keine Kunden gefunden.</p>}
      {connection && (
        <nav aria-label="Seiten" className="pager">
          <span>{connection.totalCount} Kunden</span>
          <button type="button" disabled={!connection.pageInfo.hasPreviousPage}
            onClick={() => setPage({ last: PAGE_SIZE, before: connection.pageInfo.startCursor ?? undefined })}>
            Zurück
          </button>
          <button type="button" disabled={!connection.pageInfo.hasNextPage}
            onClick={() => setPage({ first: PAGE_SIZE, after: connection.pageInfo.endCursor ?? undefined })}>
            Weiter
          </button>
        </nav>
      )}
    </section>
  );
}
