import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "urql";
import { Field, FormErrors } from "../components/Field";
import { fieldErrors, unplacedErrors, type FieldErrors } from "../errors";
import { LOGIN } from "../operations";
import { storeSession } from "../session";

/** Anmelden: e-mail and password; the token is kept for this tab. */
export function Login(props: { onLoggedIn: (mustChangePassword: boolean) => void }): ReactNode {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [state, login] = useMutation(LOGIN);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await login({ input: { email, password } });
    const payload = result.data?.login;
    if (!payload) {
      setErrors({ "": "Die Anmeldung ist gerade nicht möglich. Bitte später erneut versuchen." });
      return;
    }
    setErrors(fieldErrors(payload.userErrors));
    if (payload.token && payload.user) {
      storeSession(payload.token);
      props.onLoggedIn(payload.user.mustChangePassword);
    }
  };

  return (
    <main className="login">
      <h1>Kundenstamm</h1>
      <form onSubmit={submit} noValidate aria-labelledby="login-title">
        <h2 id="login-title">Anmelden</h2>
        <FormErrors messages={unplacedErrors(errors, new Set(["email", "password"]))} />
        <Field path="email" label="E-Mail-Adresse" type="email" autoComplete="username"
          value={email} onChange={setEmail} error={errors.email} />
        <Field path="password" label="Passwort" type="password" autoComplete="current-password"
          value={password} onChange={setPassword} error={errors.password} />
        <button type="submit" disabled={state.fetching}>Anmelden</button>
      </form>
    </main>
  );
}
