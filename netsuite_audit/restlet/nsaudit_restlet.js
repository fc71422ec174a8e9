/**
 * nsaudit read-only RESTlet.
 *
 * Returns the account settings that SuiteQL, REST and SOAP do not expose to a token: a few accounting
 * preferences, which features are enabled, and per-subsidiary default accounts. nsaudit calls it with
 * GET and uses the answer in the checks marked "restlet". The script only reads; it defines no
 * post, put or delete entry point and never saves a record.
 *
 * Response (JSON text):
 *   {
 *     "preferences": {"TIMEEXPENSEJOBONLY": true, "DATEPERIODMISMATCH": "WARN", ...},
 *     "features": {"SUBSIDIARIES": true, "MULTICURRENCY": false, ...},
 *     "subsidiaries": {"1": {"payable_account": 123, "corporate_card_account": null, "tax_required": null}}
 *   }
 * A preference that cannot be read is null; a feature id NetSuite does not know is left out; a subsidiary
 * value that cannot be found is null (nsaudit then treats that value as unknown, not as empty).
 *
 * @NApiVersion 2.1
 * @NScriptType Restlet
 * @NModuleScope SameAccount
 */
define(['N/config', 'N/runtime', 'N/search', 'N/record', 'N/log'], (config, runtime, search, record, log) => {
    // Accounting preferences read with config.load. Ids from NetSuite's preference reference:
    // TIMEEXPENSEJOBONLY = "Show Projects Only For Time And Expense Entry",
    // DATEPERIODMISMATCH = "Allow Transaction Date Outside of the Posting Period" (a list value),
    // JOURNALAPPROVALS = "Require Approvals on Journal Entries".
    const PREFERENCES = [
        'TIMEEXPENSEJOBONLY',
        'DATEPERIODMISMATCH',
        'JOURNALAPPROVALS',
        'DEPTMANDATORY',
        'CLASSMANDATORY',
        'LOCMANDATORY',
        'DEPTSPERLINE',
        'CLASSESPERLINE',
        'LOCSPERLINE',
        'INTERCOMPANYEXPENSE',
        'CUSTOMAPPROVALEXPENSE',
    ];

    // Feature ids for runtime.isFeatureInEffect. SUBSIDIARIES is OneWorld.
    // UNCERTAIN: INTERCOMPANYTIMEEXPENSE, EXPREPORTS and MULTISUBSIDIARYCUSTOMER are believed correct but
    // not verified against a live account; an id NetSuite rejects is simply left out of "features".
    const FEATURES = [
        'SUBSIDIARIES',
        'MULTICURRENCY',
        'INTERCOMPANYTIMEEXPENSE',
        'EXPREPORTS',
        'DEPARTMENTS',
        'CLASSES',
        'LOCATIONS',
        'JOBS',
        'ACCOUNTINGPERIODS',
        'MULTISUBSIDIARYCUSTOMER',
    ];

    // UNCERTAIN: the field ids of the subsidiary Preferences subtab are not documented for scripting.
    // Each value is read from the first candidate id that returns something; edit these lists if your
    // account names them differently (the Records Browser or the field help in the UI shows the id).
    const SUBSIDIARY_FIELDS = {
        // "Default Payable Account for Expense Reports"
        payable_account: ['expensereportapaccount', 'apaccountforexpensereports', 'defaultapaccount'],
        // "Default Account for Corporate Card Expenses"
        corporate_card_account: ['corporatecardaccount', 'defaultcorpcardaccount', 'corpcardaccount'],
        // Whether exports to this subsidiary must carry tax
        tax_required: ['taxrequired', 'requiretax'],
    };

    // Non-OneWorld accounts keep the same two defaults in accounting preferences (Time & Expenses tab).
    // UNCERTAIN: preference ids below are candidates, not verified.
    const SINGLE_COMPANY_PREFERENCES = {
        payable_account: ['EXPENSEREPORTAPACCOUNT', 'EXPREPORTAPACCOUNT'],
        corporate_card_account: ['CORPCARDACCOUNT', 'DEFAULTCORPCARDACCOUNT'],
    };

    const MAX_SUBSIDIARIES = 500;
    const MIN_USAGE_LEFT = 50;

    const isEmpty = (value) => value === undefined || value === null || value === '';

    const toBool = (value) => {
        if (isEmpty(value)) return null;
        if (value === true || value === 'T' || value === 'true') return true;
        if (value === false || value === 'F' || value === 'false') return false;
        return null;
    };

    const toPreference = (value) => {
        if (isEmpty(value)) return null;
        if (typeof value === 'boolean') return value;
        if (value === 'T' || value === 'F') return value === 'T';
        return String(value);
    };

    const toInternalId = (value) => {
        if (isEmpty(value)) return null;
        const first = Array.isArray(value) ? value[0] : value;
        const id = parseInt(String(first), 10);
        return Number.isFinite(id) && id > 0 ? id : null;
    };

    const safeLoadConfig = (type) => {
        try {
            return config.load({ type });
        } catch (e) {
            log.debug({ title: 'nsaudit: config not readable', details: `${type}: ${e.name}` });
            return null;
        }
    };

    const readValue = (rec, fieldId) => {
        if (!rec) return undefined;
        try {
            return rec.getValue({ fieldId });
        } catch (e) {
            return undefined;
        }
    };

    const firstValue = (rec, candidates) => {
        for (const fieldId of candidates) {
            const value = readValue(rec, fieldId);
            if (!isEmpty(value)) return value;
        }
        return undefined;
    };

    const readPreferences = (accounting, company) => {
        const user = runtime.getCurrentUser();
        const out = {};
        for (const id of PREFERENCES) {
            let value = readValue(accounting, id);
            if (isEmpty(value)) value = readValue(company, id);
            if (isEmpty(value)) {
                try {
                    value = user.getPreference({ name: id });
                } catch (e) {
                    value = undefined;
                }
            }
            out[id] = toPreference(value);
        }
        return out;
    };

    // runtime.isFeatureInEffect first; the FEATURES configuration record as a fallback.
    const readFeatures = (featureConfig) => {
        const out = {};
        for (const feature of FEATURES) {
            try {
                out[feature] = runtime.isFeatureInEffect({ feature }) === true;
                continue;
            } catch (e) {
                log.debug({ title: 'nsaudit: feature not known to runtime', details: feature });
            }
            const value = toBool(readValue(featureConfig, feature));
            if (value !== null) out[feature] = value;
        }
        return out;
    };

    const subsidiaryIds = () => {
        const ids = [];
        const found = search.create({
            type: search.Type.SUBSIDIARY,
            filters: [['isinactive', 'is', 'F']],
            columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC })],
        });
        found.run().each((result) => {
            ids.push(String(result.id));
            return ids.length < MAX_SUBSIDIARIES;
        });
        return ids;
    };

    const readOneSubsidiary = (id) => {
        let rec = null;
        try {
            rec = record.load({ type: record.Type.SUBSIDIARY, id, isDynamic: false });
        } catch (e) {
            log.debug({ title: 'nsaudit: subsidiary not readable', details: `${id}: ${e.name}` });
        }
        return {
            payable_account: toInternalId(firstValue(rec, SUBSIDIARY_FIELDS.payable_account)),
            corporate_card_account: toInternalId(firstValue(rec, SUBSIDIARY_FIELDS.corporate_card_account)),
            tax_required: toBool(firstValue(rec, SUBSIDIARY_FIELDS.tax_required)),
        };
    };

    const readSubsidiaries = (oneWorld, accounting) => {
        const out = {};
        if (!oneWorld) {
            // A single-company account has one implicit subsidiary, internal id 1.
            out['1'] = {
                payable_account: toInternalId(firstValue(accounting, SINGLE_COMPANY_PREFERENCES.payable_account)),
                corporate_card_account: toInternalId(
                    firstValue(accounting, SINGLE_COMPANY_PREFERENCES.corporate_card_account)
                ),
                tax_required: null,
            };
            return out;
        }
        const script = runtime.getCurrentScript();
        for (const id of subsidiaryIds()) {
            if (script.getRemainingUsage() < MIN_USAGE_LEFT) {
                log.audit({ title: 'nsaudit: stopped early', details: 'governance limit; some subsidiaries left out' });
                break;
            }
            out[id] = readOneSubsidiary(id);
        }
        return out;
    };

    // GET: read everything; each part is isolated so one unreadable setting does not hide the others.
    const get = () => {
        const accounting = safeLoadConfig(config.Type.ACCOUNTING_PREFERENCES);
        const company = safeLoadConfig(config.Type.COMPANY_PREFERENCES);
        const features = readFeatures(safeLoadConfig(config.Type.FEATURES));
        let subsidiaries = {};
        try {
            subsidiaries = readSubsidiaries(features.SUBSIDIARIES === true, accounting);
        } catch (e) {
            log.error({ title: 'nsaudit: subsidiaries not readable', details: e.name });
        }
        return JSON.stringify({
            preferences: readPreferences(accounting, company),
            features,
            subsidiaries,
        });
    };

    return { get };
});
