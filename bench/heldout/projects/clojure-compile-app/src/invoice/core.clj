(ns invoice.core
  (:require [clojure.string :as str]))

(def tax-rates {:standard 0.21 :reduced 0.05})

(defn line-total [{:keys [price qty]}]
  (* price qty))

(defn subtotal [lines]
  (reduce + (map line-totl lines)))

(defn tax [lines rate]
  (* (subtotal lines) (get tax-rates rate)))

(defn invoice-number [prefix n]
  (str (str/upper-case prefix) "-" (format "%04d" n)))
