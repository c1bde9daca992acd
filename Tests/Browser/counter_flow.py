"""The counter flow in a real browser (headless Chromium through WebDriver).

Run by the Swift test BrowserTests against a `cfit serve` it started:
    python3 counter_flow.py BASE_URL FITTER PHARMACIST PASSWORD GTIN SCREENSHOT_DIR
Signs in as a fitter and fits a leg; signs in as a pharmacist, fits, reserves against a
prescription, hands the garment over, scans a box in on the stock page; checks what each page
shows and saves screenshots of the fit and stock pages. Exits non-zero, with the reason, on the
first thing that is not as a person would expect.
"""
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

base, fitter, pharmacist, password, gtin, shots = sys.argv[1:7]

def start_browser():
    """Headless Chromium with a profile of its own. Starting it can fail once on a cold, busy
    machine (the driver gives up waiting for the browser's DevTools port); it is tried three times."""
    for attempt in range(3):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1200,1400", "--user-data-dir=" + tempfile.mkdtemp(prefix="cfit-chromium-")]:
            options.add_argument(argument)
        try:
            return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        except WebDriverException as error:
            print("browser: starting Chromium failed (attempt %d): %s" % (attempt + 1, error.msg))
            time.sleep(2)
    print("browser: Chromium would not start")
    sys.exit(1)


driver = start_browser()
driver.implicitly_wait(5)


def expect(condition, what):
    if not condition:
        print("browser: expected " + what + "; the page says:\n" + driver.find_element(By.TAG_NAME, "main").text)
        driver.quit()
        sys.exit(1)


def shows(text):
    """Whether the page (after any navigation under way) shows `text` in its main part."""
    try:
        WebDriverWait(driver, 10, ignored_exceptions=[WebDriverException]).until(
            lambda d: text in d.find_element(By.TAG_NAME, "main").text)
        return True
    except TimeoutException:
        return False


def wait_until_gone(element):
    """Waits for the page `element` is on to be replaced. Chromium reports an element of a page
    being left either as stale or as a node that "does not belong to the document": both mean gone."""
    def gone(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, 10).until(gone)


def sign_in(login):
    driver.get(base + "/login")
    focused = driver.switch_to.active_element
    expect(focused.get_attribute("name") == "login", "the login field to have the focus")
    focused.send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password + Keys.ENTER)
    try:
        WebDriverWait(driver, 10).until(lambda d: "Sign out" in d.page_source)
    except TimeoutException:
        expect(False, login + " to be signed in")


def sign_out():
    driver.find_element(By.XPATH, "//header//button[text()='Sign out']").click()
    try:
        WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/login"))
    except TimeoutException:
        expect(False, "to be back at sign-in")


def fit_leg():
    driver.get(base + "/fit")
    Select(driver.find_element(By.NAME, "style")).select_by_value("AD")
    leaving = driver.find_element(By.NAME, "class")
    driver.find_element(By.XPATH, "//button[text()='Show the points']").click()
    # The same fields are on the next page: wait until this one has gone.
    wait_until_gone(leaving)
    driver.find_element(By.NAME, "class").clear()
    driver.find_element(By.NAME, "class").send_keys("2")
    for point, value in [("cB", "20"), ("cB1", "25"), ("cC", "30"), ("cD", "30"), ("lD", "40")]:
        fields = driver.find_elements(By.NAME, point)
        if fields:
            fields[0].send_keys(value)
    leaving = driver.find_element(By.NAME, "class")
    driver.find_element(By.XPATH, "//form[@action='/fit']//button[text()='Fit']").click()
    wait_until_gone(leaving)
    expect(shows("size"), "a size for the leg")
    expect(driver.find_elements(By.CLASS_NAME, "gauge"), "a gauge for each measured point")


# A fitter fits a leg and is offered no reservation (the database would refuse it anyway).
sign_in(fitter)
fit_leg()
expect(not driver.find_elements(By.XPATH, "//form[@action='/reserve']"), "no Reserve button for a fitter")
sign_out()

# A pharmacist fits, reserves for a prescription and hands the garment over.
sign_in(pharmacist)
fit_leg()
driver.save_screenshot(shots + "/fit.png")
reserve = driver.find_elements(By.XPATH, "//form[@action='/reserve']")
expect(reserve, "a Reserve button next to an article in stock")
reserve[0].find_element(By.NAME, "rx").send_keys("RX-1001" + Keys.ENTER)
expect(shows("reserved"), "the reservation to be confirmed")
driver.find_element(By.XPATH, "//button[contains(text(), 'Hand over')]").click()
expect(shows("handed over"), "the hand-over to be confirmed")

# A box scanned in: the scan field has the focus, so a scanner's keystrokes land in it.
driver.get(base + "/stock")
scan = driver.switch_to.active_element
expect(scan.get_attribute("name") == "q", "the scan field to have the focus")
scan.send_keys("(01)" + gtin + "(10)BROWSER1" + Keys.ENTER)
expect(shows("On hand"), "the article's balances after the scan")
expect(driver.find_element(By.NAME, "lot").get_attribute("value") == "BROWSER1", "the scanned lot in the receive form")
expect(driver.find_element(By.NAME, "location").get_attribute("value") == "shop", "this counter's location filled in")
driver.find_element(By.NAME, "quantity").send_keys("2")
driver.find_element(By.XPATH, "//button[text()='Receive']").click()
expect(shows("received 2 into shop"), "the receipt to be confirmed")
expect("BROWSER1" in driver.find_element(By.TAG_NAME, "table").text, "the new lot among the balances")
driver.save_screenshot(shots + "/stock.png")
sign_out()
driver.quit()
print("browser: the counter flow passed")
