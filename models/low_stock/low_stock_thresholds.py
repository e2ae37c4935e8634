"""A low-stock rule's arithmetic, a plain class rather than methods of the rule
so that the rule's settings are read once and then applied to every product
and warehouse in scope (200,000 pairs for 100,000 products in two warehouses)
without going through the ORM for each pair."""

FIGURES = (
    "qty_on_hand",
    "qty_free",
    "qty_incoming",
    "daily_sales",
    "days_of_cover",
    "qty_suggested",
)


class LowStockThresholds:
    __slots__ = (
        "include_incoming",
        "min_days",
        "min_qty",
        "target_days",
        "trigger",
        "window_days",
    )

    def __init__(self, rule):
        rule.ensure_one()
        self.trigger = rule.trigger
        self.min_qty = rule.min_qty
        self.min_days = rule.min_days
        self.window_days = rule.window_days
        self.include_incoming = rule.include_incoming
        self.target_days = rule.target_days

    def figures(self, on_hand, free, incoming, sold):
        """The alert's figures (``FIGURES``) from the quantities on hand, free
        and incoming and the quantity sold over the sales window: days of cover
        = available / daily sales; suggestion = target days x daily sales (at
        least the minimum quantity for a quantity rule) less what is available,
        never negative."""
        daily = sold / self.window_days
        available = free + (incoming if self.include_incoming else 0.0)
        return {
            "qty_on_hand": on_hand,
            "qty_free": free,
            "qty_incoming": incoming,
            "daily_sales": daily,
            "days_of_cover": available / daily if daily else 0.0,
            "qty_suggested": max(
                0.0,
                max(
                    self.target_days * daily,
                    self.min_qty if self.trigger == "min_qty" else 0.0,
                )
                - available,
            ),
        }

    def available(self, figures):
        return figures["qty_free"] + (
            figures["qty_incoming"] if self.include_incoming else 0.0
        )

    def is_low(self, figures):
        if self.trigger == "min_qty":
            return self.available(figures) < self.min_qty
        return figures["daily_sales"] > 0 and figures["days_of_cover"] < self.min_days

    def severity(self, figures):
        """Critical: nothing free left, or less than half the rule's threshold."""
        if figures["qty_free"] <= 0:
            return "critical"
        if self.trigger == "min_qty":
            low = self.available(figures) < self.min_qty / 2
        else:
            low = figures["days_of_cover"] < self.min_days / 2
        return "critical" if low else "warning"
