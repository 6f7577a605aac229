import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { catalogs, type Language, languages, type MessageKey } from "./messages";

export { errorKey, type Language, languageNames, languages, type MessageKey } from "./messages";

const STORAGE_KEY = "shrimp.language";

/** The saved choice, else the system's language, else English. */
export function initialLanguage(systemLanguages: readonly string[]): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (languages as readonly string[]).includes(saved)) return saved as Language;
  const system = systemLanguages.find((tag) => /^(en|zh)\b/i.test(tag));
  return system?.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

type Values = Record<string, string | number>;

/**
 * Fills `{name}` placeholders, and chooses a form by number with ICU's plural syntax:
 * `{count, plural, one {# purchase} other {# purchases}}`, where `#` is the number, `=0 {…}`
 * matches exactly, and the categories (`one`, `few`, `other`…) are the language's own
 * (`Intl.PluralRules`; Chinese has only `other`, so its messages need no plural at all).
 * An unknown placeholder stays visible.
 */
export function format(template: string, values: Values = {}, language = "en"): string {
  let out = "";
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf("{", at);
    const close = open < 0 ? -1 : closingBrace(template, open);
    if (close < 0) return out + template.slice(at);
    out += template.slice(at, open);
    out += argument(template.slice(open, close + 1), values, language);
    at = close + 1;
  }
  return out;
}

/** The index of the `}` that closes the `{` at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === "{") depth += 1;
    else if (text[i] === "}") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** One `{…}`: a plain placeholder or a plural choice. */
function argument(whole: string, values: Values, language: string): string {
  const inner = whole.slice(1, -1);
  const simple = /^\s*(\w+)\s*$/.exec(inner);
  if (simple) {
    const name = simple[1] as string;
    return name in values ? String(values[name]) : whole;
  }
  const plural = /^\s*(\w+)\s*,\s*plural\s*,/.exec(inner);
  if (!plural) return whole;
  const name = plural[1] as string;
  const count = Number(values[name]);
  if (!(name in values) || !Number.isFinite(count)) return whole;
  const forms = pluralForms(inner.slice(plural[0].length));
  const form =
    forms.get(`=${count}`) ?? forms.get(pluralRules(language).select(count)) ?? forms.get("other");
  if (form === undefined) return whole;
  return format(form.replaceAll("#", String(count)), values, language);
}

/** `one {…} other {…}` → each selector's text. */
function pluralForms(text: string): Map<string, string> {
  const forms = new Map<string, string>();
  let at = 0;
  for (;;) {
    const selector = /\s*(=\d+|\w+)\s*\{/y;
    selector.lastIndex = at;
    const found = selector.exec(text);
    if (!found) return forms;
    const open = selector.lastIndex - 1;
    const close = closingBrace(text, open);
    if (close < 0) return forms;
    forms.set(found[1] as string, text.slice(open + 1, close));
    at = close + 1;
  }
}

const rulesByLanguage = new Map<string, Intl.PluralRules>();

function pluralRules(language: string): Intl.PluralRules {
  let rules = rulesByLanguage.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    rulesByLanguage.set(language, rules);
  }
  return rules;
}

/** The names of the values a message uses (plain placeholders and plural choices). */
export function argumentsOf(template: string): string[] {
  const names = new Set<string>();
  let at = 0;
  for (;;) {
    const open = template.indexOf("{", at);
    const close = open < 0 ? -1 : closingBrace(template, open);
    if (close < 0) return [...names].sort();
    const inner = template.slice(open + 1, close);
    const name = /^\s*(\w+)\s*(?:$|,\s*plural\s*,)/.exec(inner)?.[1];
    if (name) names.add(name);
    const plural = /^\s*\w+\s*,\s*plural\s*,/.exec(inner);
    if (plural) {
      for (const form of pluralForms(inner.slice(plural[0].length)).values()) {
        for (const nested of argumentsOf(form)) names.add(nested);
      }
    }
    at = close + 1;
  }
}

type Translate = (key: MessageKey, values?: Values) => string;

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    initialLanguage(navigator.languages ?? [navigator.language]),
  );
  document.documentElement.lang = language;

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key, values) => format(catalogs[language][key], values, language),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error("useI18n outside I18nProvider");
  return context;
}
