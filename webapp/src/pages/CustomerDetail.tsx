import { useState, type ReactNode } from "react";
import { useMutation, useQuery } from "urql";
import { Dialog } from "../components/Dialog";
import { FormErrors } from "../components/Field";
import type { AddressFieldsFragment } from "../gql/graphql";
import { CUSTOMER, CUSTOMER_ARCHIVE, CUSTOMER_RESTORE } from "../operations";
import { useWorkspace } from "../workspace";
import { Addresses, formatAddress } from "./Addresses";
import { CustomerEdit } from "./CustomerEdit";
import { DeleteDialog } from "./DeleteDialog";

type Open = "none" | "edit" | "archive" | "delete";

/** A customer's data and addresses; Bearbeiten, Archivieren/Wiederherstellen, Löschen. */
export function CustomerDetail(props: { id: string }): ReactNode {
  const { canWriteCustomers, announce } = useWorkspace();
  const [open, setOpen] = useState<Open>("none");
  const [problems, setProblems] = useState<string[]>([]);
  const [{ data, fetching }, reload] = useQuery({
    query: CUSTOMER,
    variables: { id: props.id },
    requestPolicy: "network-only",
  });
  const [, archive] = useMutation(CUSTOMER_ARCHIVE);
  const [, restore] = useMutation(CUSTOMER_RESTORE);
  const close = (): void => setOpen("none");

  if (!data) return <p role="status">{fetching ? "Wird geladen …" : ""}</p>;
  const customer = data.customer;
  if (!customer) return <p role="alert">Diesen Kunden gibt es nicht (mehr).</p>;
  const archived = customer.status === "ARCHIVED";

  const changeStatus = async (toArchived: boolean): Promise<void> => {
    const input = { input: { id: customer.id } };
    const payload = toArchived
      ? (await archive(input)).data?.customerArchive
      : (await restore(input)).data?.customerRestore;
    setOpen("none");
    const errors = payload?.userErrors.map((error) => error.message) ?? ["Das hat nicht geklappt."];
    setProblems(errors);
    if (errors.length === 0) {
      announce(toArchived ? "Kunde wurde archiviert" : "Kunde wurde wiederhergestellt");
      reload();
    }
  };

  return (
    <div className="detail">
      <section aria-labelledby="customer-title" className="detail-main">
        <h1 id="customer-title">{customer.displayName}</h1>
        <FormErrors messages={problems} />
        {open === "edit" ? (
          <CustomerEdit customer={customer} onDone={(saved) => {
            close();
            if (saved) {
              announce("Änderungen wurden gespeichert");
              reload();
            }
          }} />
        ) : (
          <dl className="facts">
            <dt>Kundennummer</dt>
            <dd>{customer.customerNumber}</dd>
            <dt>Kundentyp</dt>
            <dd>{customer.type === "COMPANY" ? "Unternehmen" : "Privatperson"}</dd>
            <dt>Status</dt>
            <dd>{archived ? "Archiviert" : "Aktiv"}</dd>
            {customer.companyName && (<><dt>Firmenname</dt><dd>{customer.companyName}</dd></>)}
            {customer.firstName && (<><dt>Vorname</dt><dd>{customer.firstName}</dd></>)}
            {customer.lastName && (<><dt>Nachname</dt><dd>{customer.lastName}</dd></>)}
            <dt>E-Mail-Adresse</dt>
            <dd>{customer.email ?? "–"}</dd>
            <dt>Telefon</dt>
            <dd>{customer.phone ?? "–"}</dd>
            <dt>Rechnungs-E-Mail-Adresse</dt>
            <dd>{customer.invoiceEmail ?? "–"}</dd>
            {customer.datev && (<><dt>DATEV-Debitorennummer</dt><dd>{customer.datev.debtorNumber ?? "–"}</dd></>)}
            <dt>Empfängeradresse</dt>
            <dd>{formatAddress(customer.defaultAddress)}</dd>
            <dt>Rechnungsadresse</dt>
            <dd>{customer.differingInvoiceAddress ? formatAddress(customer.differingInvoiceAddress) : "wie Empfängeradresse"}</dd>
          </dl>
        )}
        <Addresses
          addresses={customer.addresses as AddressFieldsFragment[]}
          editable={canWriteCustomers && !archived}
          onSaved={() => {
            announce("Adresse wurde gespeichert");
            reload();
          }}
        />
      </section>
      {canWriteCustomers && (
        <aside aria-label="Aktionen" className="actions">
          {!archived && (
            <button type="button" onClick={() => setOpen("edit")} disabled={open === "edit"}>
              Bearbeiten
            </button>
          )}
          {archived ? (
            <button type="button" onClick={() => void changeStatus(false)}>Wiederherstellen</button>
          ) : (
            <button type="button" onClick={() => setOpen("archive")}>Archivieren</button>
          )}
          <button type="button" className="danger" onClick={() => setOpen("delete")}>Löschen</button>
        </aside>
      )}
      {open === "archive" && (
        <Dialog title="Kunden archivieren?" onClose={close}>
          <p>
            {customer.displayName} wird in der Übersicht ausgeblendet. Sie können den Kunden
            jederzeit wiederherstellen.
          </p>
          <div className="dialog-buttons">
            <button type="button" onClick={() => void changeStatus(true)}>Archivieren</button>
            <button type="button" className="secondary" onClick={close} autoFocus>Abbrechen</button>
          </div>
        </Dialog>
      )}
      {open === "delete" && (
        <DeleteDialog customerId={customer.id} displayName={customer.displayName} onClose={close} />
      )}
    </div>
  );
}
