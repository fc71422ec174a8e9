"""The account fixture's ``expensify`` section: the Expensify workspace (policy) of the simulated
company and its reports, served by the Integration Server stand-in (``simulator/expensify.py``).

Amounts are written in currency units (``"412.30"``); the stand-in hands them to templates in cents,
as Expensify does. ``tags`` on an expense give one value per tag list, in the policy's level order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class XMember(_Model):
    email: str
    role: Literal["admin", "auditor", "user"] = "user"
    submits_to: str | None = None
    approves_to: str | None = None


class XTag(_Model):
    name: str
    enabled: bool = True
    gl_code: str = ""


class XTagLevel(_Model):
    name: str = Field(description="The tag list's name, e.g. Departments or Customers/Projects")
    tags: list[XTag] = Field(default_factory=list)


class XCategory(_Model):
    name: str
    enabled: bool = True


class XTaxRate(_Model):
    rate_id: str
    name: str
    rate: Decimal = Decimal(0)


class XTax(_Model):
    name: str = "Tax"
    default: str | None = Field(None, description="rate_id of the default rate")
    rates: list[XTaxRate] = Field(default_factory=list)


class XReportField(_Model):
    name: str
    type: Literal["text", "dropdown", "date", "formula"] = "dropdown"
    values: list[str] = Field(default_factory=list)


class XPolicy(_Model):
    id: str = Field(pattern=r"^[0-9A-F]{16}$")
    name: str
    owner: str
    output_currency: str = "USD"
    type: Literal["team", "corporate"] = "corporate"
    role: Literal["admin", "auditor", "user"] = Field("admin", description="The partner user's role on it")


class XExpense(_Model):
    transaction_id: str
    merchant: str
    amount: Decimal
    currency: str = "USD"
    category: str | None = None
    tags: list[str] = Field(default_factory=list, description="One value per tag list ('' for none)")
    billable: bool = False
    reimbursable: bool = True
    date: dt.date
    tax_name: str | None = None
    # An edit after the expense was created: Expensify keeps the original in amount/merchant/created
    # and the edit in modifiedAmount/modifiedMerchant/modifiedCreated (its export template reference).
    modified_merchant: str | None = None
    modified_amount: Decimal | None = None
    modified_date: dt.date | None = None


class XReport(_Model):
    id: str
    policy_id: str
    employee: str
    title: str
    currency: str = "USD"
    status: Literal["Open", "Processing", "Approved", "Reimbursed", "Closed"] = "Approved"
    submitted: dt.date | None = None
    expenses: list[XExpense] = Field(default_factory=list)


class ExpensifyFixture(_Model):
    partner_user_id: str = Field(min_length=1)
    partner_user_secret: str = Field(min_length=1, repr=False)
    policy: XPolicy
    other_policies: list[XPolicy] = Field(default_factory=list, description="Also listed by the policy list")
    members: list[XMember] = Field(default_factory=list)
    tag_levels: list[XTagLevel] = Field(default_factory=list)
    categories: list[XCategory] = Field(default_factory=list)
    tax: XTax | None = None
    report_fields: list[XReportField] = Field(default_factory=list)
    reports: list[XReport] = Field(default_factory=list)
