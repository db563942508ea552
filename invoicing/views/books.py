"""« Mes livres »: the freelancer's figures (chart, unpaid invoices by age, taxes per quarter) and the CSV export."""

from __future__ import annotations

import math
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from invoicing import books
from marketplace.common.money import format_money
from marketplace.common.web_errors import catch_refusal

# The chart's drawing, in pixels down the SVG (its width is the page's: bars are placed in percent).
PLOT_TOP = 18
PLOT_HEIGHT = 180
GRID_STEPS = 4


def _grid_step(largest: Decimal) -> tuple[int | float, int]:
    """A round step of dollars and how many of them (GRID_STEPS at most) hold the largest bar with little to spare."""
    needed = max(float(largest) / GRID_STEPS, 1.0)
    power = 10 ** math.floor(math.log10(needed))
    step = next(m * power for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= needed)
    return step, max(math.ceil(float(largest) / step), 1)


def _chart(months: list[books.Month]) -> dict:
    """Where each bar and grid line of the monthly chart goes: x in percent of the width, y in pixels."""
    step, steps = _grid_step(max([m.invoiced_total for m in months] + [m.paid_total for m in months]))
    top = step * steps
    slot = 100 / len(months)
    bottom = PLOT_TOP + PLOT_HEIGHT

    def bar(amount: Decimal, offset: float, index: int) -> dict:
        height = float(amount) / top * PLOT_HEIGHT
        height = max(height, 1.5) if amount else 0  # a small amount still shows
        return {"x": round(index * slot + offset * slot, 3), "y": round(bottom - height, 1), "height": round(height, 1)}

    columns = []
    for index, month in enumerate(months):
        columns.append(
            {
                "month": month,
                "invoiced": bar(month.invoiced_total, 0.14, index),
                "paid": bar(month.paid_total, 0.52, index),
                "label_x": round(index * slot + slot / 2, 3),
                "show_year": index == 0 or month.month.month == 1,
            }
        )
    grid = [
        {
            "y": round(bottom - i * PLOT_HEIGHT / steps, 1),
            "label": format_money(Decimal(str(step * i)), whole=True),
        }
        for i in range(steps + 1)
    ]
    return {
        "columns": columns,
        "grid": grid,
        "bar_width": round(slot * 0.34, 3),
        "bottom": bottom,
        "label_y": bottom + 18,
        "year_y": bottom + 34,
        "height": bottom + 42,
        "invoiced_total": sum((m.invoiced_total for m in months), books.ZERO),
        "invoiced_subtotal": sum((m.invoiced_subtotal for m in months), books.ZERO),
        "paid_total": sum((m.paid_total for m in months), books.ZERO),
    }


def _render_books(request, *, period_errors: dict | None = None, status: int = 200):
    summary = books.books_summary(user=request.user)
    context = {
        "books": summary,
        "chart": _chart(summary.months),
        "period_errors": period_errors or {},
        "date_from": request.GET.get("from", ""),
        "date_to": request.GET.get("to", ""),
        "unpaid_listed": books.UNPAID_LISTED,
    }
    return render(request, "invoicing/books.html", context, status=status)


class BooksView(LoginRequiredMixin, View):
    """The books page, for a freelancer (403 for anyone else)."""

    def get(self, request):
        return _render_books(request)


class BooksCsvView(LoginRequiredMixin, View):
    """The invoices as CSV, optionally from/to an invoice date; bad dates come back on the books page (400)."""

    def get(self, request):
        books.books_access(user=request.user)
        with catch_refusal() as refusal:
            date_from, date_to = books.books_csv_period(
                date_from=request.GET.get("from"), date_to=request.GET.get("to")
            )
        if refusal:
            return _render_books(request, period_errors=refusal.errors, status=400)
        response = HttpResponse(
            books.books_csv(user=request.user, date_from=date_from, date_to=date_to),
            content_type="text/csv; charset=utf-8",
        )
        filename = books.books_csv_filename(date_from=date_from, date_to=date_to)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
