import type { ReactNode } from "react";
import { fieldId } from "../errors";

interface Props {
  /** The input path the server names in userErrors, e.g. "address.zip". */
  path: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  type?: "text" | "email" | "password" | "tel" | "search";
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  maxLength?: number;
}

/** A labelled input; a server error is shown below it and announced with it. */
export function Field(props: Props): ReactNode {
  const id = fieldId(props.path);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={props.error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.path}
        type={props.type ?? "text"}
        value={props.value}
        autoComplete={props.autoComplete}
        required={props.required}
        maxLength={props.maxLength}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.hint && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <p id={errorId} className="error">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function FormErrors(props: { messages: string[] }): ReactNode {
  if (props.messages.length === 0) return null;
  return (
    <div role="alert" className="form-errors">
      {props.messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}
