/** userErrors of a payload, keyed by their input path ("address.zip"), "" for the form. */
export type FieldErrors = Record<string, string>;

export interface UserErrorLike {
  field?: readonly string[] | null;
  message: string;
}

export function fieldErrors(errors: readonly UserErrorLike[]): FieldErrors {
  const byField: FieldErrors = {};
  for (const error of errors) {
    // The path starts at the mutation's argument ("input"); fields are named below it.
    const path = (error.field ?? []).filter((part, index) => !(index === 0 && part === "input"));
    const key = path.join(".");
    byField[key] = byField[key] ? `${byField[key]} ${error.message}` : error.message;
  }
  return byField;
}

/** Errors no field on the screen shows: they go to the form's own error area. */
export function unplacedErrors(errors: FieldErrors, shown: ReadonlySet<string>): string[] {
  return Object.entries(errors)
    .filter(([key]) => !shown.has(key))
    .map(([, message]) => message);
}

export function fieldId(path: string): string {
  return `field-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}
