import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { Field, FormErrors } from "../components/Field";
import { fieldErrors, unplacedErrors, type FieldErrors } from "../errors";
import { PASSWORD_CHANGE } from "../operations";

/** After a login with a one-time password nothing else works until it is replaced. */
export function PasswordChange(props: { onChanged: () => void; onCancel: () => void }): ReactNode {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [state, change] = useMutation(PASSWORD_CHANGE);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await change({ input: { currentPassword, newPassword } });
    const payload = result.data?.passwordChange;
    if (!payload) {
      setErrors({ "": "Das Passwort konnte nicht geändert werden." });
      return;
    }
    setErrors(fieldErrors(payload.userErrors));
    if (payload.userErrors.length === 0) props.onChanged();
  };

  return (
    <main className="login">
      <h1>Kundenstamm</h1>
      <form onSubmit={submit} noValidate aria-labelledby="password-title">
        <h2 id="password-title">Neues Passwort festlegen</h2>
        <p>Sie haben sich mit einem Einmalpasswort angemeldet. Bitte legen Sie ein eigenes fest.</p>
        <FormErrors messages={unplacedErrors(errors, new Set(["currentPassword", "newPassword"]))} />
        <Field path="currentPassword" label="Aktuelles Passwort" type="password"
          autoComplete="current-password" value={currentPassword} onChange={setCurrent}
          error={errors.currentPassword} />
        <Field path="newPassword" label="Neues Passwort" type="password" autoComplete="new-password"
          value={newPassword} onChange={setNew} error={errors.newPassword}
          hint="Mindestens 12 Zeichen." />
        <button type="submit" disabled={state.fetching}>Passwort ändern</button>
        <button type="button" className="secondary" onClick={props.onCancel}>Abmelden</button>
      </form>
    </main>
  );
}
