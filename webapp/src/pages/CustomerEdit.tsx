import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { Field, FormErrors } from "../components/Field";
import { fieldErrors, unplacedErrors, type FieldErrors } from "../errors";
import type { CustomerQuery } from "../gql/graphql";
import { CUSTOMER_UPDATE } from "../operations";

type Customer = NonNullable<CustomerQuery["customer"]>;

/** The edit mask of the customer's own data; addresses are edited in the Adressen area. */
export function CustomerEdit(props: { customer: Customer; onDone: (saved: boolean) => void }): ReactNode {
  const { customer } = props;
  const company = customer.type === "COMPANY";
  const [values, setValues] = useState({
    companyName: customer.companyName ?? "",
    firstName: customer.firstName ?? "",
    lastName: customer.lastName ?? "",
    email: customer.email ?? "",
    phone: customer.phone ?? "",
    invoiceEmail: customer.invoiceEmail === customer.email ? "" : (customer.invoiceEmail ?? ""),
    debtorNumber: customer.datev?.debtorNumber ?? "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [state, update] = useMutation(CUSTOMER_UPDATE);
  const set = (key: keyof typeof values) => (value: string): void =>
    setValues((current) => ({ ...current, [key]: value }));
  const shown = new Set(["companyName", "firstName", "lastName", "email", "phone", "invoiceEmail", "datev.debtorNumber"]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    // An empty field clears the value: the server takes "" as "remove" for optional text.
    const result = await update({
      input: {
        id: customer.id,
        // Someone else's change in between is reported, not overwritten.
        expectedVersion: customer.version,
        ...(company
          ? { companyName: values.companyName }
          : { firstName: values.firstName, lastName: values.lastName }),
        email: values.email,
        phone: values.phone,
        invoiceEmail: values.invoiceEmail,
        ...(customer.datev && values.debtorNumber.trim() !== ""
          ? { datev: { debtorNumber: values.debtorNumber } }
          : {}),
      },
    });
    const payload = result.data?.customerUpdate;
    if (!payload) {
      setErrors({ "": "Die Änderungen konnten nicht gespeichert werden." });
      return;
    }
    setErrors(fieldErrors(payload.userErrors));
    if (payload.userErrors.length === 0) props.onDone(true);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Kunde bearbeiten" className="customer-form">
      <FormErrors messages={unplacedErrors(errors, shown)} />
      {company ? (
        <Field path="companyName" label="Firmenname" value={values.companyName}
          onChange={set("companyName")} error={errors.companyName} />
      ) : (
        <>
          <Field path="firstName" label="Vorname" value={values.firstName}
            onChange={set("firstName")} error={errors.firstName} />
          <Field path="lastName" label="Nachname" value={values.lastName}
            onChange={set("lastName")} error={errors.lastName} />
        </>
      )}
      <Field path="email" label="E-Mail-Adresse" type="email" value={values.email}
        onChange={set("email")} error={errors.email} />
      <Field path="phone" label="Telefon" type="tel" value={values.phone}
        onChange={set("phone")} error={errors.phone} />
      <Field path="invoiceEmail" label="Rechnungs-E-Mail-Adresse" type="email"
        value={values.invoiceEmail} onChange={set("invoiceEmail")} error={errors.invoiceEmail} />
      {customer.datev && (
        <Field path="datev.debtorNumber" label="DATEV-Debitorennummer" value={values.debtorNumber}
          onChange={set("debtorNumber")} error={errors["datev.debtorNumber"]} />
      )}
      <div className="form-buttons">
        <button type="submit" disabled={state.fetching}>Speichern</button>
        <button type="button" className="secondary" onClick={() => props.onDone(false)}>Abbrechen</button>
      </div>
    </form>
  );
}
