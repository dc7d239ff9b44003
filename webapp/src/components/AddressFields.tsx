import type { ReactNode } from "react";
import type { FieldErrors } from "../errors";
import { Field } from "./Field";

export interface AddressValues {
  street: string;
  houseNumber: string;
  zip: string;
  city: string;
  countryCode: string;
}

export const EMPTY_ADDRESS: AddressValues = {
  street: "",
  houseNumber: "",
  zip: "",
  city: "",
  countryCode: "",
};

export const ADDRESS_PARTS: readonly (keyof AddressValues)[] = [
  "street",
  "houseNumber",
  "zip",
  "city",
  "countryCode",
];

const LABELS: Record<keyof AddressValues, string> = {
  street: "Straße",
  houseNumber: "Hausnummer",
  zip: "PLZ",
  city: "Ort",
  countryCode: "Land",
};

/** The input an address becomes: nothing when every part is empty. */
export function addressInput(values: AddressValues): Partial<AddressValues> | null {
  const filled = Object.entries(values).filter(([, value]) => value.trim() !== "");
  return filled.length === 0 ? null : Object.fromEntries(filled);
}

interface Props {
  legend: string;
  /** Where the server reports its errors, e.g. "address" or "invoiceAddress". */
  path: string;
  values: AddressValues;
  onChange: (values: AddressValues) => void;
  errors: FieldErrors;
}

export function AddressFields(props: Props): ReactNode {
  return (
    <fieldset className="address">
      <legend>{props.legend}</legend>
      {ADDRESS_PARTS.map((part) => (
        <Field
          key={part}
          path={`${props.path}.${part}`}
          label={LABELS[part]}
          value={props.values[part]}
          onChange={(value) => props.onChange({ ...props.values, [part]: value })}
          error={props.errors[`${props.path}.${part}`]}
          maxLength={part === "countryCode" ? 2 : undefined}
          hint={part === "countryCode" ? "Ländercode, z. B. DE" : undefined}
        />
      ))}
    </fieldset>
  );
}

export function addressPaths(path: string): string[] {
  return ADDRESS_PARTS.map((part) => `${path}.${part}`);
}
