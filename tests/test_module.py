from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged

MODULE = "sale_order_lifecycle"


@tagged("post_install", "-at_install")
class TestModule(TransactionCase):
    """Views and access rights of the whole module hold together."""

    def module_records(self, model):
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", model)]
        )
        return self.env[model].browse(data.mapped("res_id"))

    def test_every_window_action_renders_for_its_users(self):
        """Each action renders for the administrator and for every role that
        may read its model (salesperson, sales administrator, stock user,
        billing user, accountant; the last two without any Sales right)."""
        actions = self.module_records("ir.actions.act_window")
        self.assertTrue(actions, "the module defines window actions")
        roles = [
            new_test_user(self.env, login=f"sol_views_{name}", groups=groups)
            for name, groups in (
                ("salesman", "sales_team.group_sale_salesman"),
                ("sale_manager", "sales_team.group_sale_manager"),
                ("stock", "stock.group_stock_user"),
                ("billing", "account.group_account_invoice"),
                ("accountant", "account.group_account_user"),
            )
        ]
        for action in actions:
            views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
            modes = {mode for _view, mode in views}
            views += [
                (False, mode)
                for mode in action.view_mode.split(",")
                if mode not in modes
            ]
            views.append((action.search_view_id.id, "search"))
            Model = self.env[action.res_model]
            users = [self.env.user] + [
                user for user in roles if Model.with_user(user).has_access("read")
            ]
            self.assertGreater(
                len(users), 1, f"{action.name}: no role but admin reads it"
            )
            for user in users:
                with self.subTest(action=action.name, user=user.login):
                    result = Model.with_user(user).get_views(views)
                    self.assertEqual(set(result["views"]), {mode for _v, mode in views})

    def test_every_inherited_view_applies(self):
        views = self.module_records("ir.ui.view").filtered("inherit_id")
        self.assertTrue(views)
        for view in views:
            root = view
            while root.mode != "primary":
                root = root.inherit_id
            added = [
                (node.tag, node.get("name"))
                for node in etree.fromstring(view.arch).xpath(
                    "//*[@position!='attributes' and @position!='replace']//*[@name]"
                )
            ]
            with self.subTest(view=view.name):
                self.assertTrue(added, "the view adds named nodes")
                if root.type == "qweb":
                    # Templates (the portal's) have no model: their combined arch.
                    rendered = root._get_combined_arch()
                else:
                    arch = self.env[root.model].get_view(root.id, root.type)["arch"]
                    rendered = etree.fromstring(arch)
                missing = [
                    (tag, name)
                    for tag, name in added
                    if not rendered.xpath(f"//{tag}[@name='{name}']")
                ]
                self.assertFalse(missing, "nodes added by the view are rendered")

    def test_every_model_has_access_rules(self):
        models = self.module_records("ir.model").filtered(
            lambda model: not self.env[model.model]._abstract
        )
        self.assertTrue(models)
        missing = models.filtered(lambda model: not model.access_ids)
        self.assertFalse(missing, "models of the module without access rules")
        accesses = self.module_records("ir.model.access")
        self.assertFalse(
            accesses.filtered(lambda access: not access.group_id),
            "access rules of the module granted to everybody",
        )
