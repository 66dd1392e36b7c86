"""What customers do, as loops the benchmark runs many of at once."""

from __future__ import annotations

import asyncio
import time

from bench.driver import Driver, Timings, everyone
from bot.playground.bot_api.server import Person

PHONE = "+44 20 7946 0958"


async def browse_round(driver: Driver, person: Person, timings: Timings) -> None:
    """Catalogue → first category → first item → add it to the cart: four updates."""
    timings.add(await driver.says(person, "/catalogue"))
    timings.add(await driver.presses(person, "", nth=0))
    timings.add(await driver.presses(person, "", nth=0))
    timings.add(await driver.presses(person, "to cart"))


async def browse(driver: Driver, customers: int, rounds: int) -> Timings:
    timings = Timings()
    people = [driver.api.person(f"Browser {n}") for n in range(customers)]

    async def loop(n: int) -> None:
        for _ in range(rounds):
            await browse_round(driver, people[n], timings)

    await everyone(customers, loop)
    timings.finished = time.perf_counter()
    return timings


async def checkout(driver: Driver, customers: int, item: str) -> Timings:
    """Each customer finds an item, adds it and checks out for pickup: nine updates."""
    timings = Timings()
    people = [driver.api.person(f"Buyer {n}") for n in range(customers)]

    async def loop(n: int) -> None:
        who = people[n]
        timings.add(await driver.says(who, f"/search {item}"))
        timings.add(await driver.presses(who, item, nth=0))
        timings.add(await driver.presses(who, "to cart"))
        timings.add(await driver.says(who, "/cart"))
        timings.add(await driver.presses(who, "Checkout"))
        timings.add(await driver.presses(who, "Pickup"))
        timings.add(await driver.presses(who, "", nth=0))  # the first pickup time
        timings.add(await driver.shares_phone(who, PHONE))
        timings.add(await driver.presses(who, "Skip"))
        timings.add(await driver.presses(who, "✅ Confirm"))

    await everyone(customers, loop)
    timings.finished = time.perf_counter()
    return timings


async def paced_taps(
    driver: Driver,
    customers: int,
    every: float,
    seconds: float,
    *,
    until: asyncio.Event | None = None,
) -> Timings:
    """People tapping at a human pace (one tap every `every` seconds each) for `seconds`, and
    on until `until` is set, if given (each finishes the round of taps they are in)."""
    timings = Timings()
    people = [driver.api.person(f"Tapper {n}") for n in range(customers)]
    deadline = time.perf_counter() + seconds

    def tapping() -> bool:
        return time.perf_counter() < deadline or (until is not None and not until.is_set())

    async def loop(n: int) -> None:
        await asyncio.sleep(every * n / customers)  # spread the first taps
        while tapping():
            await browse_round_paced(driver, people[n], timings, every)

    await everyone(customers, loop)
    timings.finished = time.perf_counter()
    return timings


async def browse_round_paced(
    driver: Driver, person: Person, timings: Timings, every: float
) -> None:
    for action in ("/catalogue", "first", "first"):
        started = time.perf_counter()
        if action == "first":
            timings.add(await driver.presses(person, "", nth=0))
        else:
            timings.add(await driver.says(person, action))
        await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))
