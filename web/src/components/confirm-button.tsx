/** A button that asks first, in a modal dialog that keeps focus until answered (Esc cancels). */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ConfirmButtonProps {
  label: string;
  question: string;
  confirmLabel?: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean | undefined;
  className?: string;
}

export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  className,
}: ConfirmButtonProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <>
      <button
        type="button"
        className={className ?? 'danger small'}
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      <dialog ref={dialog} className="confirm" onClose={() => setOpen(false)} aria-label={label}>
        <p>{question}</p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            {t('app.cancel')}
          </button>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              setOpen(false);
              await onConfirm();
            }}
          >
            {confirmLabel ?? label}
          </button>
        </div>
      </dialog>
    </>
  );
}
