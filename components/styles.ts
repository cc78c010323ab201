// Class names shared by the console's buttons and form controls, so every
// form looks and focuses the same.
export const buttonPrimary =
  'inline-flex items-center justify-center gap-1.5 rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:cursor-wait disabled:opacity-70';

export const buttonSecondary =
  'inline-flex items-center justify-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700';

export const inputBase =
  'block w-full rounded-md border bg-white px-2.5 py-1.5 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 focus:outline-2 focus:-outline-offset-1 focus:outline-blue-600';

export function inputClass(invalid: boolean): string {
  return `${inputBase} ${invalid ? 'border-red-500' : 'border-zinc-300'}`;
}

export const labelClass = 'block text-sm font-medium text-zinc-800';
export const hintClass = 'mt-1 text-xs text-zinc-500';
export const linkClass = 'font-medium text-blue-700 hover:text-blue-900 hover:underline';

/**
 * The box around a wide table: the table scrolls sideways inside it, never
 * the page. `relative` makes it the containing block of the table's sr-only
 * (absolutely positioned) labels, which otherwise widen the page on a phone.
 */
export const tableBox = 'relative overflow-x-auto rounded-md border border-zinc-200 bg-white shadow-sm';
