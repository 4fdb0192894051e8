class Ledger:
    def __init__(self):
        self.entries = []

    def post(self, account, amount):
        self.entries.append((account, amount))

    def balance(self, account):
        return sum(amount for name, amount in self.entries if name == account)

    def average(self, account):
        amounts = [amount for name, amount in self.entries if name == account]
        return sum(amounts) / len(amounts)
