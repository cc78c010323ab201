// One checkbox of a settings form with its label and a hint under it, linked
// by aria-describedby: the approval rules and the one-switch settings use it.
import { hintClass, labelClass } from '../styles';

export function CheckboxField({ id, name, label, hint, checked, disabled }: { id: string; name: string; label: string; hint: string; checked: boolean; disabled?: boolean }) {
  return (
    <div className="flex items-start gap-2">
      {/* keyed by the saved value, so that a save that changed it shows the stored state */}
      <input id={id} name={name} type="checkbox" key={String(checked)} defaultChecked={checked} disabled={disabled} aria-describedby={`${id}-hint`} className="mt-0.5 h-4 w-4" />
      <div>
        <label htmlFor={id} className={labelClass}>
          {label}
        </label>
        <p id={`${id}-hint`} className={hintClass}>
          {hint}
        </p>
      </div>
    </div>
  );
}
