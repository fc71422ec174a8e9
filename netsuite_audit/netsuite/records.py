"""Typed rows of the NetSuite tables nsaudit reads, in NetSuite's own column names.

Each model is one row of one SuiteQL table (see ``tables.py``). Field names are the SuiteQL column
names; the only exception is ``class_`` (``class`` in NetSuite). Values go through the parsers in
``netsuite/values.py``, so a model accepts both the wire strings and already-typed JSON.
Fields marked UNCERTAIN are names that public material does not settle; see tables.py.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from netsuite_audit.netsuite.values import (
    NsBool,
    NsDate,
    NsDecimal,
    NsId,
    NsIds,
    NsInt,
    NsOptBool,
    NsText,
)


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Record(Row):
    id: NsInt


class Subsidiary(Record):
    name: NsText = None
    fullname: NsText = None
    parent: NsId = None
    currency: NsId = None
    country: NsText = None
    isinactive: NsBool = False
    iselimination: NsBool = False


class Currency(Record):
    name: NsText = None
    symbol: NsText = None
    isbasecurrency: NsBool = False
    isinactive: NsBool = False


class Role(Record):
    name: NsText = None
    isinactive: NsBool = False
    # UNCERTAIN (names.toml): 'ALL' / 'SELECTED' / 'OWN' style values for the subsidiary restriction.
    subsidiaryoption: NsText = None
    subsidiaryviewingallowed: NsBool = False
    # UNCERTAIN (names.toml): the subsidiaries the role may use, as a multi-select. NetSuite has no
    # SuiteQL table of role-to-subsidiary pairs; this role column is where public queries read them.
    effectivesubsidiaries: NsIds = ()


class RolePermission(Row):
    role: NsInt
    permkey: str
    permlevel: NsInt  # 0 None, 1 View, 2 Create, 3 Edit, 4 Full
    restriction: NsId = None
    name: NsText = None


class Employee(Record):
    entityid: NsText = None
    firstname: NsText = None
    lastname: NsText = None
    email: NsText = None
    subsidiary: NsId = None
    supervisor: NsId = None
    department: NsId = None
    class_: NsId = Field(default=None, alias="class")
    location: NsId = None
    isinactive: NsBool = False
    giveaccess: NsBool = False
    rolesforsearch: NsIds = ()
    expenselimit: NsDecimal = None
    approvallimit: NsDecimal = None
    currency: NsId = None


class Classification(Record):
    """A Class (SuiteQL table ``classification``); Department and Location share the shape."""

    name: NsText = None
    fullname: NsText = None
    parent: NsId = None
    isinactive: NsBool = False
    includechildren: NsBool = False
    subsidiary: NsIds = ()


class Department(Classification):
    pass


class Location(Classification):
    """``includechildren`` on location is UNCERTAIN in SuiteQL (SOAP has includeChildren)."""


class Project(Record):
    """A row of SuiteQL ``job`` (Projects)."""

    entityid: NsText = None
    altname: NsText = None
    companyname: NsText = None
    customer: NsId = None
    parent: NsId = None
    subsidiary: NsId = None
    entitystatus: NsId = None
    isinactive: NsBool = False
    allowexpenses: NsOptBool = None
    limittimetoassignees: NsBool = False

    @property
    def display_name(self) -> str:
        return self.companyname or self.altname or self.entityid or f"#{self.id}"


class ProjectStatus(Record):
    """UNCERTAIN table ``jobstatus``: project status list; a status named Closed closes the project."""

    name: NsText = None
    isinactive: NsBool = False


class ProjectResource(Row):
    """UNCERTAIN table ``jobresources``: employees assigned as resources on a project."""

    project: NsInt
    jobresource: NsInt  # the employee (the table also has ``role``, the resource's project role)


class Customer(Record):
    entityid: NsText = None
    companyname: NsText = None
    altname: NsText = None
    isinactive: NsBool = False
    isperson: NsBool = False
    subsidiary: NsId = None

    @property
    def display_name(self) -> str:
        return self.companyname or self.altname or self.entityid or f"#{self.id}"


class CustomerSubsidiary(Row):
    """UNCERTAIN table ``customersubsidiaryrelationship``: extra subsidiaries of a customer."""

    entity: NsInt
    subsidiary: NsInt


class Vendor(Record):
    entityid: NsText = None
    companyname: NsText = None
    altname: NsText = None
    email: NsText = None
    isinactive: NsBool = False
    subsidiary: NsId = None
    currency: NsId = None


class VendorCurrency(Row):
    """UNCERTAIN table ``vendorcurrencybalance``: the currencies on a vendor's Financial tab."""

    vendor: NsInt
    currency: NsInt


class ExpenseCategory(Record):
    name: NsText = None
    # The category's expense account. SuiteQL column ``expenseacct`` (UNCERTAIN: CData's SuiteQL
    # table and Oracle's SOAP ExpenseCategory.expenseAcct name it so; ``account`` was a guess).
    account: NsId = Field(default=None, alias="expenseacct")
    isinactive: NsBool = False
    subsidiary: NsIds = ()
    raterequired: NsBool = False  # UNCERTAIN: ODBC names it rate_required
    # No include-children column: Oracle's SOAP ExpenseCategory and the ODBC expense_categories
    # table have none, so it is not read; whether a category reaches child subsidiaries is unknown.


# The SuiteQL spellings of account.accttype nsaudit knows (each mapped to Oracle's SOAP AccountType
# enumeration in soap_records.ACCOUNT_TYPES). NetSuite publishes no list of the SuiteQL spellings: a
# value outside these is read as unknown, never as "another type".
ACCOUNT_TYPE_SPELLINGS = frozenset({
    "AcctPay", "AcctRec", "Bank", "COGS", "CredCard", "DeferExpense", "DeferRevenue", "Equity", "Expense",
    "FixedAsset", "Income", "LongTermLiab", "NonPosting", "OthAsset", "OthCurrAsset", "OthCurrLiab",
    "OthExpense", "OthIncome", "Stat", "UnbilledRec",
})


class Account(Record):
    acctnumber: NsText = None
    fullname: NsText = None
    accttype: NsText = None
    isinactive: NsBool = False
    issummary: NsBool = False
    includechildren: NsBool = False
    subsidiary: NsIds = ()


class AccessToken(Record):
    """A row of SuiteQL ``oauthtoken`` (needs Access Token Management)."""

    tba_token_name: NsText = None
    tba_app_name: NsText = None
    entity_name: NsText = None
    role_name: NsText = None
    binactive: NsBool = False
    brevoked: NsBool = False


class TaxGroup(Record):
    """A row of ``taxitemtaxgroup`` (tax codes and tax groups; legacy tax, not SuiteTax).

    ``itemid`` and ``country`` are UNCERTAIN column names (names.toml)."""

    itemid: NsText = None
    isinactive: NsBool = False
    country: NsText = None


class AccountingPeriod(Record):
    periodname: NsText = None
    startdate: NsDate = None
    enddate: NsDate = None
    closed: NsBool = False
    aplocked: NsBool = False
    alllocked: NsBool = False
    isyear: NsBool = False
    isquarter: NsBool = False
    isadjust: NsBool = False


class Transaction(Record):
    """Only the transactions that carry a pending report's id (NS0034)."""

    tranid: NsText = None
    type: NsText = None
    externalid: NsText = None
