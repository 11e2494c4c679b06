"""Moving money under load and across a crash, through the official SDK.

- Concurrency: many SDK clients adjusting from one distributor at once all succeed, and the
  money adds up exactly; when the money runs out, exactly as many succeed as it pays for, the
  rest get CBC.99005003 and no balance goes negative. Retries sharing one idempotency key move
  money once even when they race.
- Crash safety: a server killed with SIGKILL mid-way through a stream of adjusts, restarted on
  the same database (SQLite file, PostgreSQL), has every acknowledged transfer, has created or
  lost no money, and its balances agree with its ledger.

Entities: `dist-hot` (1000.00) and `dist-poor` (10.00) of world.toml, with their customers; no
other test moves their money, and the tests here assert deltas (the shared server is reused).
Reference: ../../../shared/reference/funds.md §3.4; docs/wire.md "Moving money".
"""

import secrets
import threading
from decimal import Decimal

from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException

from conftest import check_sdk_error, fresh_database, sdk_client, start_server, wire_body
from helpers.funds import (
    ADJUST,
    RECLAIM,
    all_adjust_records,
    cash_snapshot,
    idempotent_client,
    money_request,
    move_money,
    partner_cash,
    partner_change_records,
)
from helpers.world import KEYS, customers_of

D = Decimal
HOT_CUSTOMERS = customers_of("dist-hot")
POOR_CUSTOMERS = customers_of("dist-poor")
START_TIMEOUT_S = 30


def run_at_once(n_threads, work):
    """Runs work(i) for i in range(n_threads) in threads released together; [(result, exception)]."""
    barrier = threading.Barrier(n_threads)
    outcomes = [None] * n_threads

    def run(i):
        try:
            prepared = work(i, None)  # build the client before the start line
        except Exception as exc:  # noqa: BLE001
            outcomes[i] = (None, exc)
            barrier.abort()  # the others fail now rather than at the timeout
            return
        try:
            barrier.wait(START_TIMEOUT_S)
            outcomes[i] = (work(i, prepared), None)
        except Exception as exc:  # noqa: BLE001 - every outcome is checked by the caller
            outcomes[i] = (None, exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive(), "a request thread hung"
    return outcomes


def adjuster(server, caller, customers, amount, idempotency_key=None):
    """A `work` for run_at_once: thread i adjusts `amount` to customers[i % len] with its own client."""
    def work(i, client):
        if client is None:
            if idempotency_key is None:
                return sdk_client(server, KEYS[caller], nonce=True)
            return idempotent_client(server, caller, idempotency_key)
        return move_money(server, ADJUST, caller, client=client, customer_id=customers[i % len(customers)],
                          amount=amount)
    return work


def test_64_concurrent_adjusts_from_one_distributor(server):
    parties = {"partners": ("dist-hot",), "customers": HOT_CUSTOMERS}
    before = cash_snapshot(server, **parties)
    outcomes = run_at_once(64, adjuster(server, "dist-hot", HOT_CUSTOMERS, D("1.00")))

    errors = [exc for _, exc in outcomes if exc is not None]
    assert not errors, f"{len(errors)} of 64 concurrent adjusts failed, e.g. {errors[0]!r}"
    ids = [tid for tid, _ in outcomes]
    assert len(set(ids)) == 64, "transfer ids are not unique"

    after = cash_snapshot(server, **parties)
    assert after["dist-hot"] == before["dist-hot"] - 64
    assert sum(after[c] for c in HOT_CUSTOMERS) == sum(before[c] for c in HOT_CUSTOMERS) + 64
    for i, customer in enumerate(HOT_CUSTOMERS):
        share = len(range(i, 64, len(HOT_CUSTOMERS)))
        assert after[customer] == before[customer] + share, customer

    # Every adjust is recorded once, and the ledger serialised them: the 64 balances after each
    # are 64 distinct steps of 1.00 down from the balance before.
    recorded = {r["trans_id"] for r in all_adjust_records(server, "dist-hot")}
    assert set(ids) <= recorded
    changes = partner_change_records(server, "dist-hot", trade_type="BEADJUST", limit=64)["records"]
    assert {r["trade_id"] for r in changes} == set(ids)
    assert sorted(D(r["balance_after_change"]) for r in changes) == [before["dist-hot"] - k for k in range(64, 0, -1)]
    assert [D(r["balance_after_change"]) for r in changes] == sorted(
        (D(r["balance_after_change"]) for r in changes)), "change records are not newest first"


def test_money_running_out_under_contention(server):
    """dist-poor has 10.00; 20 concurrent adjusts of 1.00: exactly 10 pass, never below 0.00."""
    parties = {"partners": ("dist-poor",), "customers": POOR_CUSTOMERS}
    before = cash_snapshot(server, **parties)
    assert before["dist-poor"] == D("10.00"), "dist-poor's 10.00 are for this test alone"
    outcomes = run_at_once(20, adjuster(server, "dist-poor", POOR_CUSTOMERS, D("1.00")))

    succeeded = [tid for tid, exc in outcomes if exc is None]
    refused = [exc for _, exc in outcomes if exc is not None]
    assert len(succeeded) == 10, f"{len(succeeded)} adjusts succeeded: {[repr(e) for e in refused]}"
    for exc in refused:
        assert isinstance(exc, ClientRequestException), repr(exc)
        check_sdk_error(exc, 400, "CBC.99005003")

    after = cash_snapshot(server, **parties)
    assert after["dist-poor"] == D("0.00")
    assert sum(after[c] for c in POOR_CUSTOMERS) == sum(before[c] for c in POOR_CUSTOMERS) + 10
    newest = partner_change_records(server, "dist-poor", limit=1)["records"][0]
    assert newest["balance_after_change"] == "0.00", newest
    balances = [D(r["balance_after_change"]) for r in partner_change_records(server, "dist-poor", limit=100)["records"]]
    assert min(balances) == 0, balances


def test_racing_retries_with_one_idempotency_key_move_money_once(server):
    parties = {"partners": ("dist-hot",), "customers": HOT_CUSTOMERS[:1]}
    before = cash_snapshot(server, **parties)
    key = "race-" + secrets.token_hex(8)
    outcomes = run_at_once(16, adjuster(server, "dist-hot", HOT_CUSTOMERS[:1], D("3.33"), idempotency_key=key))
    errors = [exc for _, exc in outcomes if exc is not None]
    assert not errors, f"retries failed: {[repr(e) for e in errors]}"
    assert len({tid for tid, _ in outcomes}) == 1, "retries with one key got different transfer ids"
    after = cash_snapshot(server, **parties)
    assert after["dist-hot"] == before["dist-hot"] - D("3.33")
    assert after[HOT_CUSTOMERS[0]] == before[HOT_CUSTOMERS[0]] + D("3.33")


def test_concurrent_reclaims_take_no_more_than_each_customer_has(server):
    """More concurrent reclaims of 1.00 than each of dist-poor's customers holds: each customer
    gives exactly its whole yuan, the rest are refused, nobody goes negative."""
    parties = {"partners": ("dist-poor",), "customers": POOR_CUSTOMERS}
    before = cash_snapshot(server, **parties)
    jobs = []
    for customer in POOR_CUSTOMERS:
        jobs += [customer] * (int(before[customer]) + 3)

    def work(i, prepared):
        if prepared is None:
            return sdk_client(server, KEYS["dist-poor"], nonce=True)
        return move_money(server, RECLAIM, "dist-poor", client=prepared, customer_id=jobs[i], amount=D("1.00"))

    outcomes = run_at_once(len(jobs), work)
    for customer in POOR_CUSTOMERS:
        mine = [outcome for job, outcome in zip(jobs, outcomes) if job == customer]
        succeeded = [tid for tid, exc in mine if exc is None]
        assert len(succeeded) == int(before[customer]), f"{customer}: {len(succeeded)} reclaims of {before[customer]}"
        for _, exc in mine:
            if exc is not None:
                check_sdk_error(exc, 400, "CBC.99005003")
    after = cash_snapshot(server, **parties)
    whole = sum(int(before[c]) for c in POOR_CUSTOMERS)
    assert after["dist-poor"] == before["dist-poor"] + whole
    for customer in POOR_CUSTOMERS:
        assert after[customer] == before[customer] - int(before[customer]) >= 0, customer


def test_concurrent_adjusts_and_reclaims_add_up(server):
    parties = {"partners": ("dist-hot",), "customers": HOT_CUSTOMERS}
    for customer in HOT_CUSTOMERS:  # enough for the reclaims below, whatever ran before
        move_money(server, ADJUST, "dist-hot", customer_id=customer, amount=D("5.00"))
    before = cash_snapshot(server, **parties)

    def work(i, prepared):
        if prepared is None:
            return sdk_client(server, KEYS["dist-hot"], nonce=True)
        op, amount = (ADJUST, D("0.50")) if i % 2 == 0 else (RECLAIM, D("0.25"))
        return move_money(server, op, "dist-hot", client=prepared, customer_id=HOT_CUSTOMERS[i % len(HOT_CUSTOMERS)],
                          amount=amount)

    outcomes = run_at_once(32, work)
    errors = [exc for _, exc in outcomes if exc is not None]
    assert not errors, f"{len(errors)} of 32 failed, e.g. {errors[0]!r}"
    after = cash_snapshot(server, **parties)
    expected = {"dist-hot": D("-4.00")}  # 16 adjusts of 0.50 out, 16 reclaims of 0.25 back
    for i in range(32):
        customer = HOT_CUSTOMERS[i % len(HOT_CUSTOMERS)]
        expected[customer] = expected.get(customer, 0) + (D("0.50") if i % 2 == 0 else D("-0.25"))
    assert {k: after[k] - before[k] for k in before} == {k: expected.get(k, 0) for k in before}
    newest = partner_change_records(server, "dist-hot", limit=1)["records"][0]
    assert D(newest["balance_after_change"]) == after["dist-hot"], newest


# ---------------------------------------------------------------------------------------------
# kill -9 mid-way


N_WORKERS = 6
ACKS_BEFORE_KILL = 100


class Stream:
    """What the workers of the crash test sent and got back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = {}  # idempotency key -> (customer, amount), for the keyed workers
        self.acked = {}  # transfer id -> amount, every acknowledged adjust
        self.acked_keys = {}  # idempotency key -> transfer id
        self.unexpected = []  # error answers from a live server
        self.enough = threading.Event()
        self.stop = threading.Event()


def adjust_until_killed(srv, worker, stream):
    """Adjusts 0.01..0.09 to dist-hot's customers in turn until the server is gone. Even workers
    send an idempotency key with each adjust (as a careful client would), odd ones none."""
    keyed = worker % 2 == 0
    plain_client = sdk_client(srv, KEYS["dist-hot"], nonce=True)
    n = 0
    while not stream.stop.is_set():
        customer = HOT_CUSTOMERS[(worker + n) % len(HOT_CUSTOMERS)]
        amount = D(f"0.0{1 + (worker + n) % 9}")
        key = f"crash-{worker}-{n}-{secrets.token_hex(4)}"
        client = plain_client
        if keyed:
            client = idempotent_client(srv, "dist-hot", key)
            with stream.lock:
                stream.attempts[key] = (customer, amount)
        try:
            response = client.update_customer_account_amount(money_request(ADJUST, customer_id=customer, amount=amount))
        except (ClientRequestException, ServerResponseException) as exc:
            if srv.proc.poll() is None:  # an error answer from a live server: a bug
                stream.unexpected.append(exc)
            return
        except Exception:  # noqa: BLE001 - the connection died with the server
            return
        tid = wire_body(response, ADJUST.response)["transfer_id"]
        with stream.lock:
            stream.acked[tid] = amount
            if keyed:
                stream.acked_keys[key] = tid
            if len(stream.acked) >= ACKS_BEFORE_KILL:
                stream.enough.set()
        n += 1


def check_books(srv, start_total, n_records):
    """Money conserved, and dist-hot's balance is its newest ledger line's; the cash snapshot."""
    after = cash_snapshot(srv, partners=("dist-hot",), customers=HOT_CUSTOMERS)
    assert after["dist-hot"] + sum(after[c] for c in HOT_CUSTOMERS) == start_total, (
        f"money created or lost: total {start_total} before, {after} after")
    newest = partner_change_records(srv, "dist-hot", limit=1)
    assert newest["total_count"] == n_records + 1, "ledger lines != adjusts + the opening balance"
    assert D(newest["records"][0]["balance_after_change"]) == after["dist-hot"], newest
    return after


def test_kill_9_mid_way_keeps_every_acknowledged_transfer(backend, tmp_path):
    stream = Stream()
    with fresh_database(backend, tmp_path) as database_url:
        srv = start_server(database_url, tmp_path)
        try:
            before = cash_snapshot(srv, partners=("dist-hot",), customers=HOT_CUSTOMERS)
            threads = [threading.Thread(target=adjust_until_killed, args=(srv, w, stream)) for w in range(N_WORKERS)]
            for thread in threads:
                thread.start()
            assert stream.enough.wait(60), f"only {len(stream.acked)} adjusts acknowledged in 60 s"
            srv.kill()  # kill -9, with requests in flight
            stream.stop.set()
            for thread in threads:
                thread.join(60)
                assert not thread.is_alive(), "a request thread hung after the kill"
        finally:
            stream.stop.set()
            srv.stop()
        assert not stream.unexpected, f"error answers before the kill: {[repr(e) for e in stream.unexpected]}"
        start_total = before["dist-hot"] + sum(before[c] for c in HOT_CUSTOMERS)

        srv = start_server(database_url, tmp_path, world=None)  # the same database, nothing re-applied
        try:
            recorded = {r["trans_id"]: D(r["amount"]) for r in all_adjust_records(srv, "dist-hot")}
            missing = [tid for tid in stream.acked if tid not in recorded]
            assert not missing, f"{len(missing)} of {len(stream.acked)} acknowledged adjusts lost, e.g. {missing[:3]}"
            assert all(recorded[tid] == amount for tid, amount in stream.acked.items())
            after = check_books(srv, start_total, len(recorded))
            # Every recorded adjust, and only those, left the distributor's account.
            assert before["dist-hot"] - after["dist-hot"] == sum(recorded.values())

            # The careful client retries every keyed adjust after the restart: an acknowledged one
            # gets its first answer, one lost in flight is made now; either way exactly once.
            retried = {}
            for key, (customer, amount) in stream.attempts.items():
                retried[key] = move_money(srv, ADJUST, "dist-hot", idempotency_key=key, customer_id=customer,
                                          amount=amount)
            changed = {k: (tid, retried[k]) for k, tid in stream.acked_keys.items() if retried[k] != tid}
            assert not changed, f"retries of acknowledged adjusts got new ids: {changed}"
            assert len(set(retried.values())) == len(retried)
            new = [tid for tid in retried.values() if tid not in recorded]
            recorded_now = {r["trans_id"] for r in all_adjust_records(srv, "dist-hot")}
            assert recorded_now == set(recorded) | set(new)
            check_books(srv, start_total, len(recorded_now))

            # And the restarted server moves money as before.
            balance = partner_cash(srv, "dist-hot")
            move_money(srv, ADJUST, "dist-hot", customer_id=HOT_CUSTOMERS[0], amount=D("1.00"))
            assert partner_cash(srv, "dist-hot") == balance - 1
        finally:
            srv.stop()
