import { type CSSProperties, useEffect, useId, useRef, useState } from "react";
import { hueOf } from "../components/hue";
import { type MessageKey, useI18n } from "../i18n";
import { errorKey } from "../i18n/messages";
import {
  type BackendStatus,
  errorCode,
  type UserView,
  useBackendStatus,
  useSwitchPersona,
} from "../ipc";

const personaRoles: Record<string, MessageKey> = {
  listener: "persona.role.listener",
  musician: "persona.role.musician",
  label: "persona.role.label",
  reviewer: "persona.role.reviewer",
  applicant: "persona.role.applicant",
};

/**
 * What a person does here. Their account decides first — a reviewer reviews, someone with a
 * shop owns it — so a listener whose application was approved reads as a shop owner at once;
 * the demo persona only names it more precisely (an independent musician, a record label).
 */
function roleKey(persona: string | null, user: UserView | null): MessageKey {
  if (user?.roles.includes("reviewer")) return "persona.role.reviewer";
  if (user?.shop_id) {
    const named = persona === "musician" || persona === "label" ? personaRoles[persona] : null;
    return named ?? "persona.role.owner";
  }
  return (persona && personaRoles[persona]) || "persona.role.listener";
}

function Avatar({ name }: { name: string }) {
  const style = { "--avatar-hue": hueOf(name) } as CSSProperties;
  return (
    <span className="avatar" aria-hidden="true" style={style}>
      {(Array.from(name.trim())[0] ?? "?").toUpperCase()}
    </span>
  );
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return [...(menu?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
}

/** Who you are, and (in the demo) a menu to become someone else. */
export function PersonaSwitcher() {
  const status = useBackendStatus();
  if (!status.data?.user) return null;
  return <Switcher status={status.data} user={status.data.user} />;
}

function Switcher({ status, user }: { status: BackendStatus; user: UserView }) {
  const { t } = useI18n();
  const switchPersona = useSwitchPersona();
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const demo = status.mode === "demo" && status.personas.length > 0;
  const role = t(roleKey(status.persona, user));

  // Close on a click anywhere else.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  // Focus the current persona when the menu opens.
  useEffect(() => {
    if (!open) return;
    const items = menuItems(menu.current);
    (items.find((item) => item.getAttribute("aria-checked") === "true") ?? items[0])?.focus();
  }, [open]);

  function closeMenu() {
    setOpen(false);
    trigger.current?.focus();
  }

  function onMenuKeyDown(event: React.KeyboardEvent) {
    const items = menuItems(menu.current);
    const index = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(index + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(index - 1);
        break;
      case "Home":
        event.preventDefault();
        move(0);
        break;
      case "End":
        event.preventDefault();
        move(items.length - 1);
        break;
      case "Escape":
        event.preventDefault();
        closeMenu();
        break;
      case "Tab":
        setOpen(false);
        break;
    }
  }

  function choose(key: string) {
    closeMenu();
    if (key !== status.persona) switchPersona.mutate(key);
  }

  const who = (
    <>
      <Avatar name={user.display_name} />
      <span className="persona-text">
        <span className="persona-name">{user.display_name}</span>
        <span className="persona-role">{role}</span>
      </span>
    </>
  );

  return (
    <div className="persona">
      {demo && (
        <span className="badge badge-demo" title={t("persona.demo.hint")}>
          {t("persona.demo")}
        </span>
      )}
      {demo ? (
        <button
          ref={trigger}
          type="button"
          className="persona-trigger"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? menuId : undefined}
          aria-label={t("persona.switcher", { name: user.display_name, role })}
          aria-busy={switchPersona.isPending}
          data-testid="persona-switcher"
          onClick={() => setOpen((was) => !was)}
          onKeyDown={(event) => {
            if (event.key === "ArrowDown" && !open) {
              event.preventDefault();
              setOpen(true);
            }
          }}
        >
          {who}
          <span className="persona-caret" aria-hidden="true">
            ▾
          </span>
        </button>
      ) : (
        <div className="persona-trigger static" data-testid="persona-switcher">
          {who}
        </div>
      )}
      {open && (
        <div
          ref={menu}
          id={menuId}
          className="menu"
          role="menu"
          aria-label={t("persona.menu")}
          onKeyDown={onMenuKeyDown}
        >
          <div className="menu-heading" aria-hidden="true">
            {t("persona.menu")}
          </div>
          {status.personas.map((persona) => (
            <button
              key={persona.key}
              type="button"
              role="menuitemradio"
              aria-checked={persona.key === status.persona}
              tabIndex={-1}
              className="menu-item"
              data-testid={`persona-option-${persona.key}`}
              onClick={() => choose(persona.key)}
            >
              <Avatar name={persona.display_name} />
              <span className="persona-text">
                <span className="persona-name">{persona.display_name}</span>
                <span className="persona-role">
                  {t(personaRoles[persona.key] ?? "persona.role.listener")}
                </span>
              </span>
              {persona.key === status.persona && (
                <span className="menu-check" aria-hidden="true">
                  ✓
                </span>
              )}
            </button>
          ))}
        </div>
      )}
      {switchPersona.isError && (
        <p className="persona-error" role="alert">
          {t(errorKey(errorCode(switchPersona.error)))}
        </p>
      )}
    </div>
  );
}
