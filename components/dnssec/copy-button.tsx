'use client';
// Copies a value (a DS record for the registrar) to the clipboard and says so.
import { useState } from 'react';
import { buttonSecondary } from '../styles';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <button
      type="button"
      aria-label={label}
      className={`${buttonSecondary} px-2 py-1 text-xs`}
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => setCopied('yes'),
          () => setCopied('failed'),
        );
      }}
    >
      {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy by hand' : 'Copy'}
    </button>
  );
}
