import { type FormEvent, useId, useState } from "react";
import { ErrorNotice } from "../../components/QueryState";
import { type MessageKey, useI18n } from "../../i18n";
import {
  type ApplicationDraft,
  type ApplicationView,
  type ShopKindView,
  useSaveApplication,
  useSubmitApplication,
} from "../../ipc";
import { SampleUploader } from "./SampleUploader";

type Step = "kind" | "details" | "declaration" | "sample" | "submit";
const steps: { step: Step; label: MessageKey }[] = [
  { step: "kind", label: "shop.step.kind" },
  { step: "details", label: "shop.step.details" },
  { step: "declaration", label: "shop.step.declaration" },
  { step: "sample", label: "shop.step.sample" },
  { step: "submit", label: "shop.step.submit" },
];

type TextField = "shop_name" | "legal_name" | "contact" | "payout_account";
/** The same limits the server checks, so most mistakes are caught before a round-trip. */
const fields: { field: TextField; label: MessageKey; hint: MessageKey; max: number }[] = [
  { field: "shop_name", label: "shop.field.shopName", hint: "shop.field.shopName.hint", max: 60 },
  {
    field: "legal_name",
    label: "shop.field.legalName",
    hint: "shop.field.legalName.hint",
    max: 120,
  },
  { field: "contact", label: "shop.field.contact", hint: "shop.field.contact.hint", max: 200 },
  {
    field: "payout_account",
    label: "shop.field.payoutAccount",
    hint: "shop.field.payoutAccount.hint",
    max: 120,
  },
];

const blank: ApplicationDraft = {
  kind: "independent",
  shop_name: "",
  legal_name: "",
  contact: "",
  payout_account: "",
  declares_own_copyright_no_covers: false,
};

export function fieldProblem(value: string, max: number): "required" | "tooLong" | null {
  const length = [...value.trim()].length;
  if (length === 0) return "required";
  if (length > max) return "tooLong";
  return null;
}

/** The open-shop wizard: kind, who and where the money goes, the declaration, a sample, send. */
export function ApplicationWizard({
  application,
  onSubmitted,
}: {
  application: ApplicationView | null;
  onSubmitted: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<ApplicationDraft>(application?.draft ?? blank);
  const [step, setStep] = useState<Step>(application ? "details" : "kind");
  const [touched, setTouched] = useState(false);
  const save = useSaveApplication();
  const submit = useSubmitApplication();
  // The application as Rust last reported it (uploads update it in the query cache).
  const current = application ?? save.data ?? null;
  const id = current?.id ?? null;
  const index = steps.findIndex((entry) => entry.step === step);
  const set = <K extends keyof ApplicationDraft>(key: K, value: ApplicationDraft[K]) =>
    setDraft((previous) => ({ ...previous, [key]: value }));
  const detailsValid = fields.every(({ field, max }) => fieldProblem(draft[field], max) === null);

  const next = (event: FormEvent) => {
    event.preventDefault();
    if (step === "details") {
      setTouched(true);
      if (!detailsValid) return;
    }
    if (step === "declaration") {
      setTouched(true);
      if (!draft.declares_own_copyright_no_covers) return;
      save.mutate({ id, draft }, { onSuccess: () => setStep("sample") });
      return;
    }
    if (step === "submit") {
      if (!id) return;
      submit.mutate(id, { onSuccess: onSubmitted });
      return;
    }
    setTouched(false);
    setStep(steps[index + 1]?.step ?? step);
  };

  return (
    <div className="wizard" data-testid="shop-wizard" data-step={step}>
      {application?.state === "rejected" && (
        <div className="notice warn" data-testid="fixing-notice">
          <strong>{t("shop.wizard.fixing")}</strong> {application.rejection_reason}
        </div>
      )}
      <ol className="wizard-steps" aria-label={t("shop.wizard.progress")}>
        {steps.map((entry, position) => (
          <li
            key={entry.step}
            aria-current={entry.step === step ? "step" : undefined}
            data-done={position < index}
          >
            <span className="wizard-step-number" aria-hidden="true">
              {position < index ? "✓" : position + 1}
            </span>
            {t(entry.label)}
          </li>
        ))}
      </ol>
      <form className="card wizard-card" noValidate onSubmit={next}>
        {step === "kind" && <KindStep kind={draft.kind} onChange={(kind) => set("kind", kind)} />}
        {step === "details" && (
          <DetailsStep draft={draft} touched={touched} onChange={(key, value) => set(key, value)} />
        )}
        {step === "declaration" && (
          <DeclarationStep
            checked={draft.declares_own_copyright_no_covers}
            touched={touched}
            onChange={(value) => set("declares_own_copyright_no_covers", value)}
          />
        )}
        {step === "sample" && current && <SampleUploader application={current} />}
        {step === "submit" && current && <SubmitStep application={current} />}
        {save.isError && <ErrorNotice error={save.error} />}
        {submit.isError && <ErrorNotice error={submit.error} />}
        <div className="button-row wizard-nav">
          {index > 0 && (
            <button
              type="button"
              className="button secondary"
              data-testid="wizard-back"
              onClick={() => {
                setTouched(false);
                setStep(steps[index - 1]?.step ?? step);
              }}
            >
              {t("shop.wizard.back")}
            </button>
          )}
          <button
            type="submit"
            className="button primary"
            data-testid="wizard-next"
            disabled={
              save.isPending ||
              submit.isPending ||
              (step === "sample" && !current?.has_sample) ||
              (step === "submit" && !current?.has_sample)
            }
          >
            {step === "submit"
              ? submit.isPending
                ? t("shop.wizard.submitting")
                : t(
                    application?.state === "rejected"
                      ? "shop.wizard.resubmit"
                      : "shop.wizard.submit",
                  )
              : step === "declaration"
                ? save.isPending
                  ? t("shop.wizard.saving")
                  : t("shop.wizard.saveAndContinue")
                : t("shop.wizard.next")}
          </button>
        </div>
      </form>
    </div>
  );
}

function KindStep({
  kind,
  onChange,
}: {
  kind: ShopKindView;
  onChange: (kind: ShopKindView) => void;
}) {
  const { t } = useI18n();
  const options: { value: ShopKindView; title: MessageKey; body: MessageKey }[] = [
    { value: "independent", title: "shop.kind.independent", body: "shop.kind.independent.body" },
    { value: "label", title: "shop.kind.label", body: "shop.kind.label.body" },
  ];
  return (
    <fieldset className="choice-group">
      <legend>{t("shop.step.kind.question")}</legend>
      {options.map((option) => (
        <label key={option.value} className="choice" data-testid={`kind-${option.value}`}>
          <input
            type="radio"
            name="shop-kind"
            value={option.value}
            checked={kind === option.value}
            onChange={() => onChange(option.value)}
          />
          <span>
            <strong>{t(option.title)}</strong>
            <span className="hint">{t(option.body)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function DetailsStep({
  draft,
  touched,
  onChange,
}: {
  draft: ApplicationDraft;
  touched: boolean;
  onChange: (key: TextField, value: string) => void;
}) {
  const { t } = useI18n();
  const base = useId();
  return (
    <div className="form">
      {fields.map(({ field, label, hint, max }) => {
        const problem = touched ? fieldProblem(draft[field], max) : null;
        const id = `${base}-${field}`;
        return (
          <div key={field} className="field">
            <label htmlFor={id}>{t(label)}</label>
            <input
              id={id}
              type="text"
              value={draft[field]}
              aria-invalid={problem !== null}
              aria-describedby={`${id}-hint`}
              aria-required="true"
              data-testid={`field-${field}`}
              onChange={(event) => onChange(field, event.target.value)}
            />
            <p id={`${id}-hint`} className={problem ? "form-error" : "hint"}>
              {problem === "required"
                ? t("shop.field.required")
                : problem === "tooLong"
                  ? t("shop.field.tooLong", { max })
                  : t(hint)}
            </p>
          </div>
        );
      })}
    </div>
  );
}

function DeclarationStep({
  checked,
  touched,
  onChange,
}: {
  checked: boolean;
  touched: boolean;
  onChange: (value: boolean) => void;
}) {
  const { t } = useI18n();
  const hintId = useId();
  return (
    <div className="declaration">
      <h2>{t("shop.declaration.title")}</h2>
      <ul className="declaration-rules">
        <li>{t("shop.declaration.own")}</li>
        <li>
          <strong>{t("shop.declaration.noCovers")}</strong>
        </li>
        <li>{t("shop.declaration.consequence")}</li>
      </ul>
      <label className="choice" data-testid="declaration">
        <input
          type="checkbox"
          checked={checked}
          aria-describedby={hintId}
          aria-invalid={touched && !checked}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span>{t("shop.declaration.agree")}</span>
      </label>
      <p id={hintId} className={touched && !checked ? "form-error" : "hint"}>
        {touched && !checked ? t("shop.declaration.required") : t("shop.declaration.hint")}
      </p>
    </div>
  );
}

function SubmitStep({ application }: { application: ApplicationView }) {
  const { t } = useI18n();
  const { draft } = application;
  return (
    <div>
      <h2>{t("shop.submit.title")}</h2>
      <p className="hint">{t("shop.submit.body")}</p>
      <dl className="facts" data-testid="application-summary">
        <dt>{t("review.kind")}</dt>
        <dd>{draft.kind === "label" ? t("shop.kind.label") : t("shop.kind.independent")}</dd>
        <dt>{t("shop.field.shopName")}</dt>
        <dd>{draft.shop_name}</dd>
        <dt>{t("shop.field.legalName")}</dt>
        <dd>{draft.legal_name}</dd>
        <dt>{t("shop.field.contact")}</dt>
        <dd>{draft.contact}</dd>
        <dt>{t("shop.field.payoutAccount")}</dt>
        <dd className="mono">{draft.payout_account}</dd>
        <dt>{t("review.declaration")}</dt>
        <dd className="ok-text">{t("review.declaration.yes")}</dd>
        <dt>{t("review.sample")}</dt>
        <dd>{application.has_sample ? t("review.sample.yes") : t("review.sample.no")}</dd>
      </dl>
    </div>
  );
}
