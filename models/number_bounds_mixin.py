from odoo import api, models

from .tools import check_numbers


class NumberBoundsMixin(models.AbstractModel):
    """Refuses, on create and write, numbers that the database cannot store
    in the fields listed in ``_bounded_number_fields``."""

    _name = "sale.lifecycle.number.bounds.mixin"
    _description = "Numbers Within the Database's Bounds"
    _bounded_number_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals, self._bounded_number_fields)
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, self._bounded_number_fields)
        return super().write(vals)
