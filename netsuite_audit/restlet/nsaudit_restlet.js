/**
 * nsaudit read-only RESTlet.
 *
 * Returns the account settings that SuiteQL, REST and SOAP do not expose to a token: a few accounting
 * preferences, which features are enabled, and the ids of the active subsidiaries. nsaudit calls it with
 * GET and uses the answer in the checks marked "restlet". The script only reads; it defines no
 * post, put or delete entry point and never saves a record.
 *
 * Response (JSON text):
 *   {
 *     "preferences": {"TIMEEXPENSEJOBONLY": true, "DATEPERIODMISMATCH": "WARN", ...},
 *     "features": {"SUBSIDIARIES": true, "MULTICURRENCY": false, ...},
 *     "subsidiaries": {"1": {"payable_account": null, "corporate_card_account": null, "tax_required": null}}
 *   }
 * A preference that cannot be read is null; a feature id NetSuite does not know is left out. The
 * per-subsidiary values are always null (unknown): see SUBSIDIARY_VALUES below.
 * Every preference and feature id here is UNCERTAIN in nsaudit's names list (netsuite_audit/names.toml).
 *
 * @NApiVersion 2.1
 * @NScriptType Restlet
 * @NModuleScope SameAccount
 */
define(['N/config', 'N/runtime', 'N/search', 'N/log'], (config, runtime, search, log) => {
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

    // Per-subsidiary default accounts (Default Payable Account for Expense Reports, Default Account
    // for Corporate Card Expenses) and whether a subsidiary requires tax: no list Oracle publishes
    // names the field ids that hold them (the ids this script used to try are not subsidiary fields),
    // so the script does not guess. Each value is answered as null, which nsaudit reads as unknown;
    // state them in the workspace's [netsuite] section instead (docs/workspace.md).
    const SUBSIDIARY_VALUES = ['payable_account', 'corporate_card_account', 'tax_required'];

    const MAX_SUBSIDIARIES = 500;

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

    const unknownDefaults = () => {
        const out = {};
        for (const key of SUBSIDIARY_VALUES) out[key] = null;
        return out;
    };

    const readSubsidiaries = (oneWorld) => {
        const out = {};
        if (!oneWorld) {
            // A single-company account has one implicit subsidiary, internal id 1.
            out['1'] = unknownDefaults();
            return out;
        }
        for (const id of subsidiaryIds()) out[id] = unknownDefaults();
        return out;
    };

    // GET: read everything; each part is isolated so one unreadable setting does not hide the others.
    const get = () => {
        const accounting = safeLoadConfig(config.Type.ACCOUNTING_PREFERENCES);
        const company = safeLoadConfig(config.Type.COMPANY_PREFERENCES);
        const features = readFeatures(safeLoadConfig(config.Type.FEATURES));
        let subsidiaries = {};
        try {
            subsidiaries = readSubsidiaries(features.SUBSIDIARIES === true);
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
