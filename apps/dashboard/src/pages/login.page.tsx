import { type FormEvent, useMemo, useState } from 'react';
import { Client, fetchExchange, useMutation, Provider } from 'urql';
import { formErrors } from '../api/errors.js';
import { saveSession, type Role } from '../api/session.js';
import { Field, FormErrorList } from '../components/form.js';

const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { token expiresAt tenant { slug name } user { email role } }
}`;

interface LoginData {
  login: { token: string; expiresAt: string; tenant: { slug: string; name: string }; user: { email: string; role: Role } };
}

export function LoginPage() {
  const client = useMemo(() => new Client({ url: '/graphql', exchanges: [fetchExchange] }), []);
  return (
    <Provider value={client}>
      <main id="main" className="login">
        <LoginForm />
      </main>
    </Provider>
  );
}

function LoginForm() {
  const [tenant, setTenant] = useState(() => new URLSearchParams(window.location.search).get('tenant') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, login] = useMutation<LoginData>(LOGIN);
  const errors = formErrors(result.error, ['tenant', 'email', 'password']);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await login({ input: { tenant: tenant.trim(), email: email.trim(), password } });
    const data = res.data?.login;
    if (data) {
      saveSession({ token: data.token, expiresAt: data.expiresAt, tenant: data.tenant.slug, tenantName: data.tenant.name, email: data.user.email, role: data.user.role });
    }
  };

  return (
    <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Vigia</h1>
      <FormErrorList errors={errors} />
      <Field label="Company (tenant)" error={errors.fields.tenant} hint="The short name your company was given, e.g. demo">
        {(p) => <input {...p} name="tenant" autoComplete="organization" required value={tenant} onChange={(e) => setTenant(e.target.value)} />}
      </Field>
      <Field label="E-mail" error={errors.fields.email}>
        {(p) => <input {...p} name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Password" error={errors.fields.password}>
        {(p) => <input {...p} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        {result.fetching ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
