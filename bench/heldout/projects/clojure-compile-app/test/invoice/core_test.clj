(ns invoice.core-test
  (:require [clojure.test :refer [deftest is testing]]
            [invoice.core :as inv]))

(def lines [{:price 10 :qty 2} {:price 5 :qty 1}])

(deftest subtotal-sums-lines
  (is (= 25 (inv/subtotal lines))))

(deftest tax-at-standard-rate
  (testing "standard rate is twenty percent"
    (is (= 5.0 (inv/tax lines :standard)))))

(deftest tax-at-unknown-rate
  (is (= 0 (inv/tax lines :zero))))

(deftest invoice-numbers-are-padded
  (is (= "INV-0042" (inv/invoice-number "inv" 42))))
