// A labelled one-line text input of a settings form, with its hint and its
// errors wired to aria-describedby (autoprimary-form.tsx, api-key-form.tsx,
// the new-zone form's catalog fields). A disabled field is not submitted.
import { describedBy, FieldErrors } from '../field-errors';
import { hintClass, inputClass, labelClass } from '../styles';

export function TextField(props: { id: string; name: string; label: string; hint: string; placeholder?: string; defaultValue: string; errors?: string[]; mono?: boolean; disabled?: boolean; /** password: typed unseen and not offered by autofill (a webhook's secret). */ type?: 'text' | 'password' }) {
  const { id, errors } = props;
  const invalid = Boolean(errors?.length);
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.type === 'password' ? 'new-password' : undefined}
        autoCapitalize="none"
        spellCheck={false}
        disabled={props.disabled}
        placeholder={props.placeholder}
        defaultValue={props.defaultValue}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, errors)}
        className={`mt-1 ${props.mono === false ? '' : 'font-mono'} ${inputClass(invalid)}`}
      />
      <p id={`${id}-hint`} className={hintClass}>
        {props.hint}
      </p>
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}
