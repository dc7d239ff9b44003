import { useState, type ReactNode } from "react";
import { useMutation, useQuery } from "urql";
import { Dialog } from "../components/Dialog";
import { FormErrors } from "../components/Field";
import type { UserErrorCode } from "../gql/graphql";
import { CUSTOMER_DELETE, DELETION_BLOCKERS } from "../operations";
import { navigate } from "../router";
import { useWorkspace } from "../workspace";

const BLOCKER_TEXT: Partial<Record<UserErrorCode, (count: number) => string>> = {
  HAS_ACTIVE_SUBSCRIPTIONS: (n) => (n === 1 ? "1 aktives Abonnement" : `${n} aktive Abonnements`),
  HAS_INVOICES: (n) => (n === 1 ? "1 Rechnung" : `${n} Rechnungen`),
  HAS_COMPLETED_ORDERS: (n) => (n === 1 ? "1 abgeschlossene Bestellung" : `${n} abgeschlossene Bestellungen`),
  HAS_PAYMENTS: (n) => (n === 1 ? "1 Zahlung" : `${n} Zahlungen`),
};

/** Löschen: asks first; while something blocks deletion it says what and offers no delete. */
export function DeleteDialog(props: { customerId: string; displayName: string; onClose: () => void }): ReactNode {
  const { announce } = useWorkspace();
  // Asked when the dialog opens: the blockers change as billing goes on.
  const [{ data }] = useQuery({ query: DELETION_BLOCKERS, variables: { id: props.customerId }, requestPolicy: "network-only" });
  const [state, remove] = useMutation(CUSTOMER_DELETE);
  const [problems, setProblems] = useState<string[]>([]);
  const blockers = data?.customer?.deletionBlockers;

  const confirm = async (): Promise<void> => {
    const result = await remove({ input: { id: props.customerId } });
    const payload = result.data?.customerDelete;
    if (payload?.deletedCustomerId) {
      announce("Kunde wurde gelöscht");
      navigate("/kunden");
      return;
    }
    setProblems(payload?.userErrors.map((error) => error.message) ?? ["Der Kunde konnte nicht gelöscht werden."]);
  };

  if (!blockers) {
    return (
      <Dialog title="Kunden löschen" onClose={props.onClose}>
        <p role="status">Wird geprüft …</p>
      </Dialog>
    );
  }
  if (blockers.length > 0) {
    return (
      <Dialog title="Kunde kann nicht gelöscht werden" onClose={props.onClose}>
        <p>{props.displayName} kann nicht gelöscht werden, solange es Folgendes gibt:</p>
        <ul aria-label="Gründe">
          {blockers.map((blocker) => (
            <li key={blocker.code}>{BLOCKER_TEXT[blocker.code]?.(blocker.count) ?? blocker.code}</li>
          ))}
        </ul>
        <p>Sie können den Kunden stattdessen archivieren.</p>
        <div className="dialog-buttons">
          <button type="button" onClick={props.onClose} autoFocus>Schließen</button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Kunden unwiderruflich löschen?" onClose={props.onClose}>
      <p>{props.displayName} und alle Adressen werden endgültig gelöscht. Das lässt sich nicht rückgängig machen.</p>
      <FormErrors messages={problems} />
      <div className="dialog-buttons">
        <button type="button" className="danger" onClick={() => void confirm()} disabled={state.fetching}>
          Unwiderruflich löschen
        </button>
        <button type="button" className="secondary" onClick={props.onClose} autoFocus>Abbrechen</button>
      </div>
    </Dialog>
  );
}
