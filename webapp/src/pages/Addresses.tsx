import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { AddressFields, addressPaths, type AddressValues } from "../components/AddressFields";
import { FormErrors } from "../components/Field";
import { fieldErrors, unplacedErrors, type FieldErrors } from "../errors";
import type { AddressFieldsFragment } from "../gql/graphql";
import { ADDRESS_UPDATE } from "../operations";

export function formatAddress(address: AddressFieldsFragment): string {
  const street = [address.street, address.houseNumber].filter(Boolean).join(" ");
  const city = [address.zip, address.city].filter(Boolean).join(" ");
  const text = [street, city, address.countryCode].filter(Boolean).join(", ");
  return text || "(leer)";
}

function addressLabel(address: AddressFieldsFragment): string {
  const kind = address.type === "INVOICE" ? "Rechnungsadresse" : "Empfängeradresse";
  return `${kind}${address.isDefault ? " (Standard)" : ""}: ${formatAddress(address)}`;
}

/** Adressen: pick one of the customer's addresses, edit it in place with the pencil. */
export function Addresses(props: {
  addresses: AddressFieldsFragment[];
  editable: boolean;
  onSaved: () => void;
}): ReactNode {
  const [selectedId, setSelectedId] = useState(props.addresses[0]?.id ?? "");
  const [editing, setEditing] = useState(false);
  const selected = props.addresses.find((address) => address.id === selectedId) ?? props.addresses[0];

  return (
    <section aria-labelledby="addresses-title" className="addresses">
      <h2 id="addresses-title">Adressen</h2>
      <div className="address-picker">
        <div className="field">
          <label htmlFor="address-select">Adresse</label>
          <select id="address-select" value={selected?.id ?? ""} disabled={editing}
            onChange={(event) => setSelectedId(event.target.value)}>
            {props.addresses.map((address) => (
              <option key={address.id} value={address.id}>{addressLabel(address)}</option>
            ))}
          </select>
        </div>
        {props.editable && selected && !editing && (
          <button type="button" className="icon" aria-label="Adresse bearbeiten" title="Adresse bearbeiten"
            onClick={() => setEditing(true)}>
            <span aria-hidden="true">✎</span>
          </button>
        )}
      </div>
      {editing && selected && (
        <AddressEdit address={selected} onDone={(saved) => {
          setEditing(false);
          if (saved) props.onSaved();
        }} />
      )}
    </section>
  );
}

function AddressEdit(props: { address: AddressFieldsFragment; onDone: (saved: boolean) => void }): ReactNode {
  const { address } = props;
  const [values, setValues] = useState<AddressValues>({
    street: address.street ?? "",
    houseNumber: address.houseNumber ?? "",
    zip: address.zip ?? "",
    city: address.city ?? "",
    countryCode: address.countryCode ?? "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [state, update] = useMutation(ADDRESS_UPDATE);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await update({ input: { id: address.id, address: values } });
    const payload = result.data?.addressUpdate;
    if (!payload) {
      setErrors({ "": "Die Adresse konnte nicht gespeichert werden." });
      return;
    }
    setErrors(fieldErrors(payload.userErrors));
    if (payload.userErrors.length === 0) props.onDone(true);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Adresse bearbeiten" className="address-form">
      <FormErrors messages={unplacedErrors(errors, new Set(addressPaths("address")))} />
      <AddressFields legend="Adresse" path="address" values={values} onChange={setValues} errors={errors} />
      <div className="form-buttons">
        <button type="submit" disabled={state.fetching}>Adresse speichern</button>
        <button type="button" className="secondary" onClick={() => props.onDone(false)}>Abbrechen</button>
      </div>
    </form>
  );
}
