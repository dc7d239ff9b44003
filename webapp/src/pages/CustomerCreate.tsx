import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { AddressFields, addressInput, addressPaths, EMPTY_ADDRESS, type AddressValues } from "../components/AddressFields";
import { Field, FormErrors } from "../components/Field";
import { fieldErrors, unplacedErrors, type FieldErrors } from "../errors";
import type { CustomerCreateInput, CustomerType } from "../gql/graphql";
import { CUSTOMER_CREATE } from "../operations";
import { navigate } from "../router";
import { useWorkspace } from "../workspace";

interface Values {
  type: CustomerType;
  companyName: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  vatId: string;
  address: AddressValues;
  invoiceEmail: string;
  invoiceAddress: AddressValues;
  debtorNumber: string;
}

const EMPTY: Values = {
  type: "PERSON",
  companyName: "",
  firstName: "",
  lastName: "",
  email: "",
  phone: "",
  vatId: "",
  address: EMPTY_ADDRESS,
  invoiceEmail: "",
  invoiceAddress: EMPTY_ADDRESS,
  debtorNumber: "",
};

const blankToNull = (value: string): string | null => (value.trim() === "" ? null : value);

function toInput(values: Values, datevEnabled: boolean): CustomerCreateInput {
  const company = values.type === "COMPANY";
  return {
    type: values.type,
    companyName: company ? blankToNull(values.companyName) : null,
    firstName: company ? null : blankToNull(values.firstName),
    lastName: company ? null : blankToNull(values.lastName),
    email: blankToNull(values.email),
    phone: blankToNull(values.phone),
    vatId: company ? blankToNull(values.vatId) : null,
    // Left empty, the server creates an empty Empfängeradresse.
    address: addressInput(values.address),
    invoiceEmail: blankToNull(values.invoiceEmail),
    invoiceAddress: addressInput(values.invoiceAddress),
    // Left empty, the next number of the DATEV range is taken.
    datev: datevEnabled ? { debtorNumber: blankToNull(values.debtorNumber) } : null,
  };
}

/** The create mask. On userErrors every value stays as typed, each error at its field. */
export function CustomerCreate(): ReactNode {
  const { organization, announce } = useWorkspace();
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [state, create] = useMutation(CUSTOMER_CREATE);
  const set = <K extends keyof Values>(key: K) => (value: Values[K]): void =>
    setValues((current) => ({ ...current, [key]: value }));
  const company = values.type === "COMPANY";

  const shown = new Set([
    company ? "companyName" : "firstName",
    ...(company ? ["vatId"] : ["lastName"]),
    "email", "phone", "invoiceEmail", "datev.debtorNumber",
    ...addressPaths("address"), ...addressPaths("invoiceAddress"),
  ]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    announce("");
    const result = await create({ input: toInput(values, organization.datevEnabled) });
    const payload = result.data?.customerCreate;
    if (!payload) {
      setErrors({ "": "Der Kunde konnte nicht angelegt werden. Bitte erneut versuchen." });
      return;
    }
    setErrors(fieldErrors(payload.userErrors));
    if (payload.customer) {
      announce("Kunde wurde erfolgreich angelegt");
      navigate(`/kunden/${encodeURIComponent(payload.customer.id)}`);
    }
  };

  return (
    <section aria-labelledby="create-title">
      <h1 id="create-title">Kunde erstellen</h1>
      <form onSubmit={submit} noValidate className="customer-form">
        <FormErrors messages={unplacedErrors(errors, shown)} />
        <fieldset>
          <legend>Kundentyp</legend>
          <label className="choice">
            <input type="radio" name="type" value="PERSON" checked={!company}
              onChange={() => set("type")("PERSON")} /> Privatperson
          </label>
          <label className="choice">
            <input type="radio" name="type" value="COMPANY" checked={company}
              onChange={() => set("type")("COMPANY")} /> Unternehmen
          </label>
        </fieldset>
        {company ? (
          <>
            <Field path="companyName" label="Firmenname" value={values.companyName}
              onChange={set("companyName")} error={errors.companyName} required />
            <Field path="vatId" label="USt-IdNr." value={values.vatId}
              onChange={set("vatId")} error={errors.vatId} />
          </>
        ) : (
          <>
            <Field path="firstName" label="Vorname" value={values.firstName}
              onChange={set("firstName")} error={errors.firstName} />
            <Field path="lastName" label="Nachname" value={values.lastName}
              onChange={set("lastName")} error={errors.lastName} required />
          </>
        )}
        <Field path="email" label="E-Mail-Adresse" type="email" value={values.email}
          onChange={set("email")} error={errors.email} />
        <Field path="phone" label="Telefon" type="tel" value={values.phone}
          onChange={set("phone")} error={errors.phone} />
        {organization.datevEnabled && (
          <Field path="datev.debtorNumber" label="DATEV-Debitorennummer" value={values.debtorNumber}
            onChange={set("debtorNumber")} error={errors["datev.debtorNumber"]}
            hint="Leer lassen, um die nächste Nummer des Nummernkreises zu vergeben." />
        )}
        <AddressFields legend="Empfängeradresse" path="address" values={values.address}
          onChange={set("address")} errors={errors} />
        <fieldset>
          <legend>Abweichende Rechnungsdaten</legend>
          <Field path="invoiceEmail" label="Rechnungs-E-Mail-Adresse" type="email"
            value={values.invoiceEmail} onChange={set("invoiceEmail")} error={errors.invoiceEmail} />
          <AddressFields legend="Rechnungsadresse" path="invoiceAddress" values={values.invoiceAddress}
            onChange={set("invoiceAddress")} errors={errors} />
        </fieldset>
        <button type="submit" disabled={state.fetching}>Kunde erstellen</button>
      </form>
    </section>
  );
}
