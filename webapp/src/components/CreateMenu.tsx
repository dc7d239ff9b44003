import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { navigate } from "../router";

/** The plus at the top left: a menu of what can be created (today: Kunde). */
export function CreateMenu(): ReactNode {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const firstItem = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    firstItem.current?.focus();
    const outside = (event: MouseEvent): void => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const onMenuKey = (event: KeyboardEvent): void => {
    if (event.key === "Escape") {
      setOpen(false);
      button.current?.focus();
    }
  };

  return (
    <div className="create-menu" ref={container}>
      <button
        ref={button}
        type="button"
        className="plus"
        aria-label="Erstellen"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="create-menu"
        onClick={() => setOpen(!open)}
      >
        +
      </button>
      {open && (
        <div id="create-menu" role="menu" aria-label="Erstellen" onKeyDown={onMenuKey}>
          <button
            ref={firstItem}
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              navigate("/kunden/neu");
            }}
          >
            Kunde
          </button>
        </div>
      )}
    </div>
  );
}
