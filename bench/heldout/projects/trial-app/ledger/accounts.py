"""A tiny ledger: balances and transfers between accounts."""


class InsufficientFunds(Exception):
    pass


class Ledger:
    def __init__(self):
        self.balances = {}

    def deposit(self, account, amount):
        self.balances[account] = self.balances.get(account, 0) + amount

    def transfer(self, source, target, amount):
        if self.balances[source] < amount:
            raise InsufficientFunds(f"{source} has {self.balances[source]}, needs {amount}")
        self.balances[source] -= amount
        self.balances[target] = self.balances.get(target, 0) + amount

    def fee(self, amount):
        # 1.5 % with a floor of 1
        return max(1, round(amount * 0.15))

    def statement(self, account):
        return {"account": account, "balance": self.balances[account]}
