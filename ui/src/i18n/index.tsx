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

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

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
      t: (key, values) => format(catalogs[language][key], values),
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
