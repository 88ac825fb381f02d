import { useId, useState } from 'react';
import { validateSpec, useSubmitSpec, type SpecCheck } from '../api/jobs';

const EXAMPLE = `name: checkout
version: 1
source: { metrics: ["checkout*"] }
windows: { tumbling: [10s, 1m] }
aggregates: [count, sum, min, max, mean, quantiles, distinct]
`;

/** A spec (YAML or JSON) to check, then store as its rollup's next version; errors name their path. */
export function SpecEditor() {
  const textId = useId();
  const [text, setText] = useState(EXAMPLE);
  const [check, setCheck] = useState<SpecCheck | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const submit = useSubmitSpec();

  const validate = async () => {
    setChecking(true);
    setCheckError(null);
    submit.reset();
    try {
      setCheck(await validateSpec(text));
    } catch (error) {
      setCheck(null);
      setCheckError((error as Error).message);
    } finally {
      setChecking(false);
    }
  };

  return (
    <div className="spec-editor">
      <label htmlFor={textId} className="label">Spec (YAML or JSON; its schema: <code>GET /v2/jobs/schema</code>)</label>
      <textarea id={textId} className="spec-text" rows={10} spellCheck={false} value={text}
        aria-invalid={check !== null && !check.valid}
        onChange={(e) => { setText(e.target.value); setCheck(null); submit.reset(); }} />
      <div className="form-actions">
        <button type="button" className="button" disabled={checking} onClick={validate}>Validate</button>
        <button type="button" className="button primary" disabled={check === null || !check.valid || submit.isPending || submit.isSuccess}
          onClick={() => submit.mutate(text)}>Store as the next version</button>
      </div>
      <div aria-live="polite">
        {checkError && <p className="notice error" role="alert">Could not validate: {checkError}</p>}
        {check && (check.valid
          ? !submit.isSuccess && <p>Valid: {check.name} version {check.version}.</p>
          : <SpecErrors check={check} />)}
        {submit.isSuccess && <p>Stored: {submit.data.name} version {submit.data.version}.</p>}
        {submit.error && <p className="notice error" role="alert">Not stored: {submit.error.message}</p>}
      </div>
    </div>
  );
}

function SpecErrors({ check }: { check: SpecCheck }) {
  return (
    <>
      <p className="notice error" role="alert">The spec is invalid: {check.errors.length} {check.errors.length === 1 ? 'error' : 'errors'}.</p>
      <ul className="spec-errors" aria-label="Spec errors">
        {check.errors.map((problem) => (
          <li key={`${problem.path} ${problem.kind}`}>
            <code>{problem.path || '(spec)'}</code>: {problem.message} <span className="muted">({problem.kind})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
